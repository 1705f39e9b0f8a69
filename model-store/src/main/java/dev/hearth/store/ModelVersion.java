package dev.hearth.store;

/**
 * One committed, immutable version of a model.
 *
 * @param name model name
 * @param version version number
 * @param location URI of the version's directory in the store
 * @param metadata its metadata
 */
public record ModelVersion(String name, int version, String location, ModelMetadata metadata) {
    /** {@code name/version}, the reference that always addresses exactly this version. */
    public ModelRef ref() {
        return new ModelRef(name, version);
    }
}
