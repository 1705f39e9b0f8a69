package dev.hearth.runtime;

/**
 * Restores the models of one framework (the metadata's {@code framework} value) into {@link Predictor}s. A framework
 * plugs into {@link ModelRuntime} by implementing this and being listed in {@link ModelRuntime#standard}.
 */
public interface PredictorFactory {

    /** The {@code framework} value this factory reads, e.g. {@code dl4j-multilayer}. */
    String framework();

    /** The file of a stored version that holds the model, e.g. {@code model.zip}. */
    String modelFile();

    /**
     * Restores {@code artifact}. The bytes are untrusted: a factory checks them before its engine parses them and
     * names what is wrong in the error. The caller runs the load-time probe ({@link Probe}) afterwards.
     *
     * @throws RuntimeException (typically {@code ModelFormatException}) naming why the bytes do not restore
     */
    Predictor open(ModelArtifact artifact);
}
