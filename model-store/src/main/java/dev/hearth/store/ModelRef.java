package dev.hearth.store;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A reference to a stored model: {@code name} (the latest committed version), {@code name/7} (one version) or
 * {@code name@production} (the version an alias points to).
 *
 * @param name validated model name
 * @param version the version number, or 0 for "latest" or an alias reference
 * @param alias the alias, or null when the reference is by number or latest
 */
public record ModelRef(String name, int version, String alias) {
    private static final String FORMS = "'name', 'name/N' (N >= 1) or 'name@alias'";

    /** Validates the name, the version ({@code >= 0}) and the alias; a version and an alias exclude each other. */
    public ModelRef {
        ModelNames.validate("model name", name);
        if (version < 0) {
            throw new InvalidNameException("model version must be >= 1 but was " + version);
        }
        if (alias != null) {
            ModelNames.validate("alias", alias);
            if (version != 0) {
                throw new InvalidNameException("model reference takes a version or an alias, not both, but had version "
                        + version + " and alias '" + alias + "'");
            }
        }
    }

    /** A reference by number; {@code version} 0 means "latest". */
    public ModelRef(String name, int version) {
        this(name, version, null);
    }

    /** A reference to the version {@code alias} points to. */
    public static ModelRef ofAlias(String name, String alias) {
        return new ModelRef(name, 0, ModelNames.validate("alias", alias));
    }

    /** Parses {@code name}, {@code name/N} or {@code name@alias}. */
    public static ModelRef parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidNameException("model reference must be " + FORMS + " but was '" + text + "'");
        }
        int at = text.indexOf('@');
        if (at >= 0) {
            return ofAlias(text.substring(0, at), text.substring(at + 1));
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

    /** The referenced version, empty for "latest" and for alias references. */
    public OptionalInt pinnedVersion() {
        return version == 0 ? OptionalInt.empty() : OptionalInt.of(version);
    }

    /** The referenced alias, empty for references by number or latest. */
    public Optional<String> aliasName() {
        return Optional.ofNullable(alias);
    }

    @Override
    public String toString() {
        if (alias != null) {
            return name + "@" + alias;
        }
        return version == 0 ? name : name + "/" + version;
    }
}
