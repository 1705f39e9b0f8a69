package dev.hearth.store;

import java.util.List;

/**
 * A versioned store of trained models. Versions are numbered by the store, immutable once committed, never
 * reused, and every file carries a SHA-256 that is verified when read. Implementations must be safe to use from
 * several processes and machines at once.
 */
public interface ModelStore {

    /**
     * Publishes a new version of {@code name}: writes every file, records checksums, then commits atomically.
     * On failure nothing becomes visible.
     *
     * @return the committed version
     * @throws InvalidNameException if the name breaks {@link ModelNames#RULE}
     */
    ModelVersion publish(String name, ModelDraft draft);

    /** Names of all models with at least one committed version, sorted. */
    List<String> listModels();

    /** Committed versions of a model, ascending; empty when the model has none. */
    List<ModelVersion> listVersions(String name);

    /**
     * Resolves a reference to a committed version.
     *
     * @throws ModelNotFoundException when the model or version does not exist
     */
    ModelVersion resolve(ModelRef ref);

    /**
     * Reads one file of a version, verifying its SHA-256 against the metadata.
     *
     * @throws IntegrityException when the bytes do not match
     * @throws ModelNotFoundException when the file is not part of the version
     */
    byte[] readFile(ModelVersion version, String file);

    /** A human-readable location of the store's root, for logs. */
    String root();
}
