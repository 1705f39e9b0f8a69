package dev.hearth.runtime;

import dev.hearth.runtime.dl4j.Dl4jPredictorFactory;
import dev.hearth.runtime.onnx.OnnxPredictorFactory;
import dev.hearth.store.IntegrityException;
import dev.hearth.store.KeyUnavailableException;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelStoreException;
import dev.hearth.store.ModelVersion;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way Hearth turns a stored version into a running model: reads its model file from the store (SHA-256
 * verified), hands the bytes to the {@link PredictorFactory} of the version's {@code framework}, and runs the
 * {@link Probe} before returning the {@link Predictor}. Every failure is a {@link ModelLoadException} whose
 * {@link ModelLoadException#reason() reason} says which step refused the version ({@code read}, {@code integrity},
 * {@code format}, {@code warmup}).
 *
 * <p>Thread-safe: it holds only its factories; each call restores a new predictor the caller owns and closes.
 */
public final class ModelRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRuntime.class);

    private final Map<String, PredictorFactory> factories = new LinkedHashMap<>();

    /** A runtime over {@code factories}, at most one per framework. */
    public ModelRuntime(List<PredictorFactory> factories) {
        for (PredictorFactory f : factories) {
            if (this.factories.putIfAbsent(f.framework(), f) != null) {
                throw new IllegalArgumentException("two predictor factories for framework '" + f.framework() + "'");
            }
        }
    }

    /** The runtime with every framework Hearth runs, configured by {@code options}. */
    public static ModelRuntime standard(RuntimeOptions options) {
        return new ModelRuntime(List.of(new Dl4jPredictorFactory(options), new OnnxPredictorFactory(options)));
    }

    /** The frameworks this runtime runs, in the order given. */
    public List<String> frameworks() {
        return List.copyOf(factories.keySet());
    }

    /**
     * The factory for {@code framework}.
     *
     * @param what the model, named in the error
     * @throws ModelLoadException ({@code format}) naming the framework and the ones this runtime runs
     */
    public PredictorFactory factory(String framework, String what) {
        PredictorFactory f = framework == null ? null : factories.get(framework);
        if (f == null) {
            throw new ModelLoadException(
                    "format",
                    "model " + what + " has framework '" + framework + "' but this Hearth runs only " + frameworks(),
                    null);
        }
        return f;
    }

    /**
     * Reads, verifies, restores and probes one stored version.
     *
     * @throws ModelLoadException when any step refuses it
     */
    public Predictor load(ModelStore store, ModelVersion version) {
        String what = version.ref().toString();
        PredictorFactory factory = factory(version.metadata().framework(), what);
        long t0 = System.nanoTime();
        byte[] bytes;
        try {
            bytes = store.readFile(version, factory.modelFile());
        } catch (IntegrityException e) {
            throw new ModelLoadException(
                    "integrity", "version " + what + " failed SHA-256 verification: " + e.getMessage(), e);
        } catch (KeyUnavailableException e) {
            // The message names the master key and version; a key provider that cannot be reached may come back.
            throw new ModelLoadException(e.getCause() instanceof IOException ? "read" : "key", e.getMessage(), e);
        } catch (ModelStoreException e) {
            // Only an I/O error may pass when tried again; any other refusal by the store is about the version.
            String reason = e.getCause() instanceof IOException ? "read" : "format";
            throw new ModelLoadException(reason, "cannot read " + what + ": " + e.getMessage(), e);
        }
        Predictor p = open(new ModelArtifact(
                what, version.metadata().framework(), version.metadata().signature(), bytes));
        LOG.info(
                "Loaded {} ({} bytes, {} bytes off-heap) and warmed it up in {} ms",
                what,
                bytes.length,
                p.offHeapBytes(),
                (System.nanoTime() - t0) / 1_000_000);
        return p;
    }

    /**
     * Restores and probes model bytes that did not come straight from the store (a Spark broadcast, a challenger
     * not yet published).
     *
     * @throws ModelLoadException ({@code format} or {@code warmup}) when the bytes do not restore or fail the probe
     */
    public Predictor open(ModelArtifact artifact) {
        PredictorFactory factory = factory(artifact.framework(), artifact.what());
        Predictor p;
        try {
            p = factory.open(artifact);
        } catch (ModelLoadException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelLoadException("format", "cannot restore " + artifact.what() + ": " + e.getMessage(), e);
        }
        try {
            Probe.run(p, artifact.what());
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    /**
     * The size of the model file {@code version} declares, an estimate of what loading it will take, for a budget
     * checked before loading; 0 when unknown.
     */
    public long declaredBytes(ModelVersion version) {
        PredictorFactory f = factories.get(version.metadata().framework());
        var files = version.metadata().files();
        var entry = f == null || files == null ? null : files.get(f.modelFile());
        return entry == null ? 0 : entry.size();
    }
}
