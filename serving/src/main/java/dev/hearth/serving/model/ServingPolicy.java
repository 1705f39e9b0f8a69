package dev.hearth.serving.model;

import dev.hearth.store.InvalidNameException;
import dev.hearth.store.ModelNames;
import dev.hearth.store.ModelRef;
import java.util.Objects;

/**
 * Which version of a model the server answers with: the latest committed version ({@code name}), one pinned
 * version ({@code name/7}) or whatever an alias points at ({@code name@production}).
 *
 * @param name model name
 * @param kind the policy
 * @param version the pinned version (PINNED only, else 0)
 * @param alias the followed alias (ALIAS only, else null)
 */
public record ServingPolicy(String name, Kind kind, int version, String alias) {
    /** The three policies. */
    public enum Kind {
        LATEST,
        PINNED,
        ALIAS
    }

    public ServingPolicy {
        ModelNames.validate("model name", name);
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.ALIAS) {
            ModelNames.validate("alias", alias);
        }
    }

    /**
     * Parses one {@code serving.models} entry: {@code name}, {@code name/N} or {@code name@alias}.
     *
     * @throws InvalidNameException naming the entry and the accepted forms
     */
    public static ServingPolicy parse(String entry) {
        String e = entry == null ? "" : entry.strip();
        int at = e.indexOf('@');
        if (at >= 0) {
            return new ServingPolicy(e.substring(0, at), Kind.ALIAS, 0, e.substring(at + 1));
        }
        ModelRef ref;
        try {
            ref = ModelRef.parse(e);
        } catch (InvalidNameException ex) {
            throw new InvalidNameException("serving.models entry must be 'name', 'name/N' or 'name@alias' but was '" + e
                    + "': " + ex.getMessage());
        }
        return ref.version() == 0
                ? new ServingPolicy(ref.name(), Kind.LATEST, 0, null)
                : new ServingPolicy(ref.name(), Kind.PINNED, ref.version(), null);
    }

    /**
     * The store reference this policy resolves through. Alias references use the {@code name@alias} form of
     * {@link ModelRef#parse}.
     */
    public ModelRef ref() {
        return switch (kind) {
            case LATEST -> new ModelRef(name, 0);
            case PINNED -> new ModelRef(name, version);
            case ALIAS -> ModelRef.parse(name + "@" + alias);
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case LATEST -> name + " (latest)";
            case PINNED -> name + "/" + version + " (pinned)";
            case ALIAS -> name + "@" + alias + " (alias)";
        };
    }
}
