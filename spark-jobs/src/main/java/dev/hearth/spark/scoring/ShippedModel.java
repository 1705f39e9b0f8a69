package dev.hearth.spark.scoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hearth.runtime.ModelArtifact;
import dev.hearth.runtime.ModelRuntime;
import dev.hearth.runtime.PredictionException;
import dev.hearth.runtime.Predictor;
import dev.hearth.runtime.RowPredictor;
import dev.hearth.runtime.RuntimeOptions;
import dev.hearth.store.MetadataJson;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelFormatException;
import dev.hearth.store.Sha256;
import dev.hearth.store.Signature;
import java.io.Serializable;

/**
 * What an executor needs, besides the model's bytes (broadcast separately), to run a stored model through the
 * {@link ModelRuntime} exactly as the server does: its name, framework and signature. Java-serialisable (the
 * signature travels as its metadata JSON), so it can ride in a task closure.
 */
public final class ShippedModel implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String what;
    private final String framework;
    private final String signatureJson;

    /**
     * @param what the model, named in messages, e.g. {@code digits/3}
     * @param framework the metadata's framework
     */
    public ShippedModel(String what, String framework, Signature signature) {
        this.what = what;
        this.framework = framework;
        try {
            this.signatureJson = new MetadataJson().mapper().writeValueAsString(signature);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException("cannot serialise the signature of " + what, e);
        }
    }

    /** The model, as named in messages. */
    public String what() {
        return what;
    }

    /** The metadata's framework. */
    public String framework() {
        return framework;
    }

    /** The stored signature. */
    public Signature signature() {
        try {
            return new MetadataJson().mapper().readValue(signatureJson, Signature.class);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException("cannot read the signature of " + what + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Restores {@code bytes} (guarded, probed) with the server's runtime options; the caller closes the result.
     *
     * @throws dev.hearth.runtime.ModelLoadException when the bytes do not restore or fail the probe
     */
    public Predictor open(byte[] bytes) {
        return ModelRuntime.standard(RuntimeOptions.DEFAULTS)
                .open(new ModelArtifact(what, framework, signature(), bytes));
    }

    /**
     * Like {@link #open}, for a model scored as rows of features (every feature-vector model Hearth scores on Spark).
     * An ONNX model is opened once per executor JVM and shared by its tasks ({@link ExecutorSessions}): closing
     * the result ends this task's use; the session is closed when the executor scores another model or exits.
     *
     * @throws PredictionException when the model takes named tensors rather than rows
     */
    public RowPredictor openRows(byte[] bytes) {
        if (ModelFiles.ONNX.equals(framework)) {
            // ONNX Runtime sessions are thread-safe: one per executor JVM, shared by its tasks.
            return ExecutorSessions.acquire(what + "@" + Sha256.hex(bytes), () -> rows(open(bytes)));
        }
        return rows(open(bytes));
    }

    private RowPredictor rows(Predictor p) {
        if (p instanceof RowPredictor r) {
            return r;
        }
        p.close();
        throw new PredictionException(what + " (" + framework + ") takes named tensors, not rows of features", true);
    }
}
