package dev.hearth.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.config.RuleAudit;
import dev.hearth.config.SettingsException;
import dev.hearth.store.crypto.EncryptionSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServingSettingsTest {
    @Test
    void confServingPropertiesDocumentsEverySettingWithItsDefault() {
        Path root = Path.of(System.getProperty("hearth.root", ".."));
        assertThat(ServingSettings.loader().documentationProblems(root.resolve("conf/serving.properties")))
                .isEmpty();
    }

    @Test
    void everySettingWithAFixedSetOrANumberHasItsRule() {
        // Host names, paths, model lists, rollout and batching mini-languages, TLS material and suite lists.
        Set<String> freeText = Set.of(
                ServingSettings.HOST,
                ServingSettings.REPLICA_ID,
                ServingSettings.STORE_ROOT,
                EncryptionSettings.KEY_PROVIDER,
                EncryptionSettings.KEY_NAME,
                EncryptionSettings.KEY_OVERRIDES,
                ServingSettings.MODELS,
                ServingSettings.ROLLOUT,
                ServingSettings.ROLLOUT_FILE,
                ServingSettings.BATCH_PER_MODEL,
                ServingSettings.TOKENS_FILE,
                ServingSettings.TLS_KEYSTORE,
                ServingSettings.TLS_KEYSTORE_PASSWORD,
                ServingSettings.TLS_CERT,
                ServingSettings.TLS_KEY,
                ServingSettings.TLS_PROTOCOLS,
                ServingSettings.TLS_CIPHERS);
        assertThat(RuleAudit.problems(ServingSettings.ALL, freeText)).isEmpty();
    }

    @Test
    void badNumbersFailAtLoadNamingKeyValueAndRule() {
        assertThatThrownBy(() -> ServingSettings.loader().load(null, List.of("server.header.timeout.ms=10s")))
                .isInstanceOf(SettingsException.class)
                .hasMessage("server.header.timeout.ms must be an integer but was '10s'");
        assertThatThrownBy(() -> ServingSettings.loader().load(null, List.of("console.metrics.sample.ms=")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("console.metrics.sample.ms is required");
    }
}
