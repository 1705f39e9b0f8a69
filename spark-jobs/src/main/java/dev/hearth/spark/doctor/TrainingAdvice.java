package dev.hearth.spark.doctor;

import dev.hearth.spark.training.RoundBreakdown;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code hearth doctor --advise} prints from a {@link TrainingAdvisor.Measurement}: per executor count (cores,
 * one worker each) the modelled round, speed-up and overhead share at the configured K and batch, and the K (at the
 * configured batch) and the batch (at the configured K) that keep the overhead at or under {@link #TARGET_SHARE}.
 */
public final class TrainingAdvice {
    /** The overhead share the advice keeps rounds under. */
    public static final double TARGET_SHARE = 0.10;

    /**
     * One executor count.
     *
     * @param workers executors (cores) training, one worker each
     * @param roundMs modelled round at the configured K and batch
     * @param speedUp examples/s over one core without Spark, at the configured K and batch
     * @param overheadShare share of the round outside the workers' compute, at the configured K and batch
     * @param advisedK the smallest K keeping the overhead share at or under the target, at the configured batch
     * @param speedUpAtAdvisedK the speed-up with that K
     * @param advisedBatch the smallest batch keeping the overhead share at or under the target, at the configured K
     */
    public record Row(
            int workers,
            double roundMs,
            double speedUp,
            double overheadShare,
            int advisedK,
            double speedUpAtAdvisedK,
            int advisedBatch) {}

    private final TrainingAdvisor.Measurement measurement;
    private final RoundCostModel model;
    private final List<Row> rows = new ArrayList<>();

    /** The advice for 1, 2, 4, ... executors, up to four times the measured cores (at least 16, at most 1024). */
    public TrainingAdvice(TrainingAdvisor.Measurement measurement) {
        this.measurement = measurement;
        this.model = measurement.model();
        int k = measurement.request().averagingFrequency();
        int b = measurement.request().batch();
        int max = Math.min(1024, Math.max(16, 4 * measurement.highWorkers()));
        for (int n = 1; n <= max; n *= 2) {
            int advisedK = model.averagingFrequencyFor(n, b, TARGET_SHARE);
            rows.add(new Row(
                    n,
                    model.roundMs(n, k, b),
                    model.speedUp(n, k, b),
                    model.overheadShare(n, k, b),
                    advisedK,
                    model.speedUp(n, advisedK, b),
                    model.batchFor(n, k, TARGET_SHARE)));
        }
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public RoundCostModel model() {
        return model;
    }

    /** The row for the measured cluster's core count (its nearest power of two at or below it). */
    public Row clusterRow() {
        Row best = rows.get(0);
        for (Row r : rows) {
            if (r.workers() <= measurement.highWorkers()) {
                best = r;
            }
        }
        return best;
    }

    /** The advice as a few lines of text and a table. */
    public String text() {
        TrainingAdvisor.Request q = measurement.request();
        StringBuilder t = new StringBuilder();
        t.append(String.format(
                Locale.ROOT,
                "Training advice for train.engine=hearth: %s, %d inputs, %d outputs, %,d parameters,"
                        + " workers use the %s; batch %d, K=%d (train.averaging.frequency)%n",
                q.networkName(),
                q.features(),
                q.outputs(),
                measurement.parameters(),
                measurement.workerStep(),
                q.batch(),
                q.averagingFrequency()));
        t.append(String.format(
                Locale.ROOT,
                "measured (mean of %d rounds after a warm-up round): %s%n",
                q.rounds(),
                measured(measurement.lowWorkers(), measurement.low())));
        if (measurement.highWorkers() != measurement.lowWorkers()) {
            t.append(String.format(
                    Locale.ROOT,
                    "                                              %s%n",
                    measured(measurement.highWorkers(), measurement.high())));
        }
        RoundBreakdown h = measurement.high();
        t.append(String.format(
                Locale.ROOT,
                "  overhead parts at %d worker(s): broadcast %.1f, worker init %.1f, data wait %.1f,"
                        + " averaging %.1f, Spark scheduling/transfer/aggregation %.1f ms%n",
                measurement.highWorkers(),
                h.broadcastMs(),
                h.workerInitMs(),
                h.dataLoadMs(),
                h.averageMs(),
                h.sparkMs()));
        t.append(String.format(
                Locale.ROOT,
                "model: round(N) = K x %.2f ms (x batch/%d) + %.1f + %.2f x N ms; %s%n",
                model.stepMs(),
                model.batch(),
                model.fixedMs(),
                model.perWorkerMs(),
                growth()));
        t.append(String.format(
                Locale.ROOT,
                "%9s %9s %9s %9s | %14s %9s | %s%n",
                "executors",
                "round ms",
                "speed-up",
                "overhead",
                "K for <=10%",
                "speed-up",
                "batch for <=10% at K=" + q.averagingFrequency()));
        for (Row r : rows) {
            t.append(String.format(
                    Locale.ROOT,
                    "%9d %9.1f %8.2fx %8.0f%% | %14d %8.2fx | %d%n",
                    r.workers(),
                    r.roundMs(),
                    r.speedUp(),
                    100 * r.overheadShare(),
                    r.advisedK(),
                    r.speedUpAtAdvisedK(),
                    r.advisedBatch()));
        }
        Row c = clusterRow();
        t.append(String.format(
                Locale.ROOT,
                "advice: on %d core(s) set train.averaging.frequency=%d at batch %d (overhead %.0f%%"
                        + " by the model), or keep K=%d and raise train.batch.size.per.worker to %d; a larger K or batch"
                        + " changes convergence, so check accuracy after the same epochs%n",
                c.workers(),
                c.advisedK(),
                q.batch(),
                100 * model.overheadShare(c.workers(), c.advisedK(), q.batch()),
                q.averagingFrequency(),
                c.advisedBatch()));
        return t.toString();
    }

    /** The advice as a JSON-ready map. */
    public Map<String, Object> json() {
        TrainingAdvisor.Request q = measurement.request();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", "hearth");
        m.put("network", q.networkName());
        m.put("features", q.features());
        m.put("outputs", q.outputs());
        m.put("parameters", measurement.parameters());
        m.put("workerStep", measurement.workerStep());
        m.put("batch", q.batch());
        m.put("averagingFrequency", q.averagingFrequency());
        m.put("measuredRounds", q.rounds());
        m.put(
                "measured",
                List.of(
                        breakdown(measurement.lowWorkers(), measurement.low()),
                        breakdown(measurement.highWorkers(), measurement.high())));
        Map<String, Object> mod = new LinkedHashMap<>();
        mod.put("stepMs", model.stepMs());
        mod.put("stepBatch", model.batch());
        mod.put("fixedOverheadMs", model.fixedMs());
        mod.put("perWorkerOverheadMs", model.perWorkerMs());
        mod.put("overheadGrowth", growth());
        m.put("model", mod);
        m.put("targetOverheadShare", TARGET_SHARE);
        m.put("rows", rows);
        Row c = clusterRow();
        m.put("advisedAveragingFrequency", c.advisedK());
        m.put("advisedBatch", c.advisedBatch());
        m.put("clusterWorkers", measurement.highWorkers());
        return m;
    }

    private String growth() {
        return measurement.highWorkers() == measurement.lowWorkers()
                ? "overhead growth with N not measured (one core): modelled flat, so the speed-ups are optimistic beyond 1"
                : String.format(
                        Locale.ROOT,
                        "overhead line through the measured %d and %d workers%s",
                        measurement.lowWorkers(),
                        measurement.highWorkers(),
                        model.perWorkerMs() == 0
                                ? " (no growth seen: flat at the larger)"
                                : ", extrapolated beyond " + measurement.highWorkers());
    }

    private static String measured(int workers, RoundBreakdown b) {
        return String.format(
                Locale.ROOT,
                "%d worker(s): round %.1f ms = compute per worker %.1f + overhead %.1f",
                workers,
                b.roundMs(),
                b.computeMs(),
                TrainingAdvisor.Measurement.overhead(b));
    }

    private static Map<String, Object> breakdown(int workers, RoundBreakdown b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workers", workers);
        m.put("roundMs", b.roundMs());
        m.put("computeMsPerWorker", b.computeMs());
        m.put("overheadMs", TrainingAdvisor.Measurement.overhead(b));
        m.put("broadcastMs", b.broadcastMs());
        m.put("workerInitMs", b.workerInitMs());
        m.put("dataWaitMs", b.dataLoadMs());
        m.put("averagingMs", b.averageMs());
        m.put("sparkMs", b.sparkMs());
        return m;
    }
}
