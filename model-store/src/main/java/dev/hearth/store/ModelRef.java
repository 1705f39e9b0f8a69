package dev.hearth.store;

import java.util.OptionalInt;

/**
 * A reference to a stored model: {@code name} (the latest committed version) or {@code name/7} (one version).
 *
 * @param name validated model name
 * @param version the version number, or 0 for "latest"
 */
public record ModelRef(String name, int version) {
    public ModelRef {
        ModelNames.validate("model name", name);
        if (version < 0) {
            throw new InvalidNameException("model version must be >= 1 but was " + version);
        }
    }

    /** Parses {@code name} or {@code name/N}. */
    public static ModelRef parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidNameException("model reference must be 'name' or 'name/N' but was '" + text + "'");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            return new ModelRef(text, 0);
        }
        String v = text.substring(slash + 1);
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return new ModelRef(text.substring(0, slash), n);
        } catch (NumberFormatException e) {
            throw new InvalidNameException(
                    "model reference must be 'name' or 'name/N' with N >= 1 but was '" + text + "'");
        }
    }

    /** The referenced version, empty for "latest". */
    public OptionalInt pinnedVersion() {
        return version == 0 ? OptionalInt.empty() : OptionalInt.of(version);
    }

    @Override
    public String toString() {
        return version == 0 ? name : name + "/" + version;
    }
}
