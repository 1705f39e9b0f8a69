package dev.hearth.spark.engine.fused;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a network in this JVM one minibatch at a time: with the {@link FusedDenseStep} when the network is one it
 * runs, else with DL4J's {@code fit}, logging once why the fused step was not used. Either way the network's own
 * parameters, updater state and iteration counter advance.
 */
public final class LocalTrainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalTrainer.class);

    private final MultiLayerNetwork network;
    private final FusedDenseStep fused;
    private final String fallbackReason;
    private final SeededDropoutMasks masks;

    private LocalTrainer(
            MultiLayerNetwork network, FusedDenseStep fused, String fallbackReason, SeededDropoutMasks masks) {
        this.network = network;
        this.fused = fused;
        this.fallbackReason = fallbackReason;
        this.masks = masks;
    }

    /**
     * A trainer for {@code network}; {@code rows} sizes the fused step's buffers (the usual minibatch size) and
     * {@code seed} its dropout masks. With {@code fusedAllowed} false it always uses DL4J's {@code fit}.
     */
    public static LocalTrainer open(MultiLayerNetwork network, int rows, long seed, boolean fusedAllowed) {
        if (!fusedAllowed) {
            return new LocalTrainer(network, null, "the fused step is switched off", null);
        }
        StringBuilder reason = new StringBuilder();
        SeededDropoutMasks masks = new SeededDropoutMasks(seed);
        FusedDenseStep step = FusedDenseStep.create(network, rows, masks, reason);
        if (step == null) {
            LOG.debug("Training with DL4J's fit, not the fused dense step: {}", reason);
            return new LocalTrainer(network, null, reason.toString(), null);
        }
        LOG.debug("Training with the fused dense step ({} parameters)", step.parameters());
        return new LocalTrainer(network, step, null, masks);
    }

    /**
     * Restarts the fused step's dropout masks from {@code seed}, so a trainer kept across averaging rounds draws
     * the same masks as one opened for the round with that seed.
     */
    public void reseed(long seed) {
        if (masks != null) {
            masks.reseed(seed);
        }
    }

    /** Fits one minibatch; returns its mean loss (the fused step's, before the update) or DL4J's score after. */
    public double fit(DataSet batch) {
        if (fused != null) {
            return fused.fit(batch.getFeatures(), batch.getLabels());
        }
        network.fit(batch);
        return network.score();
    }

    /** Whether minibatches go through the fused step. */
    public boolean isFused() {
        return fused != null;
    }

    /** Why DL4J's {@code fit} is used, or null when the fused step is. */
    public String fallbackReason() {
        return fallbackReason;
    }

    /** The network being trained. */
    public MultiLayerNetwork network() {
        return network;
    }

    @Override
    public void close() {
        if (fused != null) {
            fused.close();
        }
    }
}
