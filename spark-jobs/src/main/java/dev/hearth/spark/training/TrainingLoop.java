package dev.hearth.spark.training;

import dev.hearth.spark.data.TrainingBatches;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoch loop: fit one epoch (newly shuffled minibatches, each training example once), measure the validation
 * metric, print one progress line with the examples fitted (also set as the Spark job description), checkpoint,
 * stop early after {@code patience} epochs without improvement, and finally restore the best epoch's parameters.
 */
public final class TrainingLoop {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);

    /**
     * The loop's result: the history, which epoch the network now holds, and why it stopped before the last epoch
     * (early stopping or divergence), or null.
     */
    public record Result(List<EpochResult> history, int bestEpoch, boolean stoppedEarly, String stopReason) {}

    /** Called after every epoch with the state to checkpoint. */
    public interface EpochListener {
        void afterEpoch(int epoch, List<EpochResult> history, int bestEpoch, MultiLayerNetwork best);
    }

    private final JavaSparkContext sc;
    private final String modelName;

    public TrainingLoop(JavaSparkContext sc, String modelName) {
        this.sc = sc;
        this.modelName = modelName;
    }

    /**
     * Trains from {@code startEpoch + 1} to {@code epochs}; epoch {@code e} fits {@code train.epoch(e)}.
     *
     * @param validation returns the validation metric of the current network; null without a validation split
     * @param higherIsBetter whether a larger validation metric is better
     * @param history epochs already done (resume), else empty
     * @param bestEpoch best epoch so far (resume), else 0
     * @param bestNetwork the best epoch's network when it differs from the current one (resume), else null
     */
    public Result run(
            TrainingEngine.Session session,
            TrainingBatches train,
            int epochs,
            int patience,
            java.util.function.DoubleSupplier validation,
            boolean higherIsBetter,
            List<EpochResult> history,
            int bestEpoch,
            MultiLayerNetwork bestNetwork,
            EpochListener listener) {
        List<EpochResult> done = new ArrayList<>(history);
        int last = done.size();
        // Parameters of the best epoch; null while the best epoch is the current one.
        INDArray bestParams = bestNetwork == null || bestEpoch == last
                ? null
                : bestNetwork.params().dup();
        EarlyStopping stopping = new EarlyStopping(higherIsBetter, validation != null, patience, done, bestEpoch);
        double elapsed = done.stream().mapToDouble(EpochResult::seconds).sum();
        String stopReason = null;
        for (int epoch = last + 1; epoch <= epochs; epoch++) {
            sc.setJobDescription(String.format(
                    Locale.ROOT,
                    "hearth train %s: epoch %d/%d%s",
                    modelName,
                    epoch,
                    epochs,
                    done.isEmpty() ? "" : " (previous: " + line(done.get(done.size() - 1), epochs, elapsed) + ")"));
            if (bestParams == null && bestEpoch > 0 && bestEpoch == epoch - 1) {
                bestParams = session.network().params().dup();
            }
            long t0 = System.nanoTime();
            EpochFit fit = session.fitEpoch(train.epoch(epoch));
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (fit.examples() != train.examples()) {
                LOG.warn(
                        "Epoch {} fitted {} examples, but the training split has {}: the engine did not fit each"
                                + " example exactly once",
                        epoch,
                        fit.examples(),
                        train.examples());
            }
            // A diverged network is not validated: DL4J's evaluation refuses NaN predictions with an exception.
            double value = validation == null || !Double.isFinite(fit.loss()) ? Double.NaN : validate(validation);
            EpochResult r = new EpochResult(
                    epoch,
                    fit.loss(),
                    value,
                    fit.examples() / seconds,
                    seconds,
                    session.lastEpochBreakdown(),
                    fit.examples());
            done.add(r);
            elapsed += seconds;
            EarlyStopping.Decision decision = stopping.record(r);
            if (decision.improved()) {
                bestEpoch = epoch;
                bestParams = null;
            }
            String text = line(r, epochs, elapsed) + (epoch == bestEpoch ? "  *best*" : "");
            LOG.info("{}", text);
            if (r.breakdown() != null) {
                LOG.info("Epoch {} time breakdown: {}", epoch, r.breakdown().describe());
            }
            listener.afterEpoch(
                    epoch, done, bestEpoch, bestParams == null ? null : withParams(session.network(), bestParams));
            if (decision.stop()) {
                stopReason = decision.stopReason();
                if (Double.isFinite(r.loss()) && (validation == null || Double.isFinite(r.validation()))) {
                    LOG.info("{}", capitalised(stopReason));
                } else {
                    LOG.warn("{}", capitalised(stopReason));
                }
                break;
            }
        }
        if (bestParams != null) {
            session.network().setParams(bestParams);
            LOG.info("Restored the parameters of the best epoch {}", bestEpoch);
        }
        sc.setJobDescription(null);
        return new Result(done, bestEpoch, stopReason != null, stopReason);
    }

    /** The validation metric; NaN when DL4J refuses to evaluate because the network's predictions are NaN. */
    private static double validate(java.util.function.DoubleSupplier validation) {
        try {
            return validation.getAsDouble();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t.getMessage() != null && t.getMessage().contains("NaNs present in predictions")) {
                    return Double.NaN;
                }
            }
            throw e;
        }
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static MultiLayerNetwork withParams(MultiLayerNetwork network, INDArray params) {
        MultiLayerNetwork copy = network.clone();
        copy.setParams(params);
        return copy;
    }

    private static String line(EpochResult r, int epochs, double elapsed) {
        double eta = elapsed / r.epoch() * (epochs - r.epoch());
        return String.format(
                Locale.ROOT,
                "epoch %d/%d  loss %.4f  validation %s  %d examples fitted  %.0f examples/s  %.1f s"
                        + "  elapsed %.1f s  ETA %.1f s",
                r.epoch(),
                epochs,
                r.loss(),
                Double.isNaN(r.validation()) ? "-" : String.format(Locale.ROOT, "%.4f", r.validation()),
                r.examples(),
                r.examplesPerSecond(),
                r.seconds(),
                elapsed,
                eta);
    }
}
