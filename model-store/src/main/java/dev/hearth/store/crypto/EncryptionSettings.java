package dev.hearth.store.crypto;

import dev.hearth.config.Setting;
import dev.hearth.config.Settings;
import dev.hearth.store.ModelNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The encryption-at-rest settings every module that opens the store declares (they sit in {@code conf/} with the
 * module's other settings), and how they reach the store: copied into the Hadoop {@link Configuration} the store is
 * opened with, under the same keys (so {@code spark.hadoop.store.encryption.*} works too).
 *
 * @param provider the key provider URI, empty when encryption is off
 * @param keyName master key for new versions and checkpoints, empty for plaintext
 * @param overrides per-model master keys, model name to key name
 */
public record EncryptionSettings(String provider, String keyName, Map<String, String> overrides) {
    public static final String KEY_PROVIDER = "store.encryption.key.provider";
    public static final String KEY_NAME = "store.encryption.key.name";
    public static final String KEY_OVERRIDES = "store.encryption.key.overrides";

    /** The settings, in the order of {@code conf/*.properties}. */
    public static final List<Setting> ALL = List.of(
            new Setting(
                    KEY_PROVIDER,
                    "",
                    "Hadoop KeyProvider URI holding the store's master keys: "
                            + "jceks://file/PATH (one machine) or kms://http@HOST:PORT/kms; empty: no encryption, and "
                            + "encrypted versions cannot be read"),
            new Setting(
                    KEY_NAME,
                    "",
                    "master key (256-bit) that wraps the data key of every new version, checkpoint "
                            + "and training export; empty: write plaintext"),
            new Setting(
                    KEY_OVERRIDES,
                    "",
                    "per-model master keys as model=key,model=key (override " + KEY_NAME + " for those models)"));

    public EncryptionSettings {
        provider = provider == null ? "" : provider.trim();
        keyName = keyName == null ? "" : keyName.trim();
        overrides = Map.copyOf(overrides == null ? Map.of() : overrides);
        if (provider.isEmpty() && (!keyName.isEmpty() || !overrides.isEmpty())) {
            throw new IllegalArgumentException(KEY_NAME + "/" + KEY_OVERRIDES + " are set but " + KEY_PROVIDER
                    + " is empty: a master key needs a key provider");
        }
    }

    /** Copies the resolved settings into {@code conf}, where {@link #from(Configuration)} finds them. */
    public static void applyTo(Settings settings, Configuration conf) {
        for (Setting s : ALL) {
            conf.set(s.key(), settings.get(s.key()));
        }
    }

    /** The settings found in {@code conf}; all empty when none are there. */
    public static EncryptionSettings from(Configuration conf) {
        return new EncryptionSettings(
                conf.get(KEY_PROVIDER, ""), conf.get(KEY_NAME, ""), parseOverrides(conf.get(KEY_OVERRIDES, "")));
    }

    /** Parses {@code model=key,model=key}, failing with a message naming the setting, the value and the rule. */
    public static Map<String, String> parseOverrides(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String part : text.split(",")) {
            String[] kv = part.trim().split("=", -1);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new IllegalArgumentException(KEY_OVERRIDES + " must be model=key,model=key but was '" + text
                        + "' (entry '" + part.trim() + "')");
            }
            ModelNames.validate("model name in " + KEY_OVERRIDES, kv[0].trim());
            out.put(kv[0].trim(), kv[1].trim());
        }
        return out;
    }

    /** Whether a key provider is configured (encrypted versions can be read). */
    public boolean hasProvider() {
        return !provider.isEmpty();
    }

    /** The master key for new versions of {@code model}, null when they are written in plaintext. */
    public String keyFor(String model) {
        String k = overrides.getOrDefault(model, keyName);
        return k.isEmpty() ? null : k;
    }
}
