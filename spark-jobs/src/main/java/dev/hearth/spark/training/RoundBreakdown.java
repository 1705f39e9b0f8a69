package dev.hearth.spark.training;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.stats.EventStats;

/**
 * Where the time of one epoch's parameter-averaging rounds went, from DL4J's training statistics
 * ({@code train.stats=true}). All figures except {@code exportMs} and {@code rounds} are milliseconds per averaging
 * round; worker figures are per worker (mean over workers and rounds).
 *
 * @param rounds averaging rounds in the epoch (one Spark job each)
 * @param roundMs wall time of a round on the driver (broadcast to averaged parameters)
 * @param broadcastMs creating the broadcast of parameters and updater state
 * @param repartitionMs repartitioning the round's minibatches to the workers
 * @param workerInitMs a worker reading the broadcast and building its network replica
 * @param dataLoadMs a worker waiting for its minibatches (reading and deserialising exported files)
 * @param computeMs a worker fitting its minibatches (forward, backward, update: the useful work)
 * @param averageMs the driver averaging the returned parameters and updater state
 * @param sparkMs the rest of the round: job scheduling, task launch, result serialisation and transfer, tree aggregation
 * @param exportMs exporting minibatches to files in this epoch (first epoch only; not part of the rounds)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RoundBreakdown(
        int rounds,
        double roundMs,
        double broadcastMs,
        double repartitionMs,
        double workerInitMs,
        double dataLoadMs,
        double computeMs,
        double averageMs,
        double sparkMs,
        double exportMs) {

    /** Key names of DL4J's statistics (master and worker). */
    static final String MAP_PARTITIONS = "ParameterAveragingMasterMapPartitionsTimesMs";

    static final String BROADCAST = "ParameterAveragingMasterBroadcastCreateTimesMs";
    static final String REPARTITION = "ParameterAveragingMasterRepartitionTimesMs";
    static final String PROCESS_PARAMS = "ParameterAveragingMasterProcessParamsUpdaterTimesMs";
    static final String EXPORT = "parameterAveragingMasterExportTimesMs";
    static final String WORKER_TOTAL = "WorkerFlatMapTotalTimeMs";
    static final String WORKER_INIT = "WorkerFlatMapGetInitialModelTimeMs";
    static final String WORKER_DATA = "WorkerFlatMapDataSetGetTimesMs";
    static final String WORKER_COMPUTE = "WorkerFlatMapProcessMiniBatchTimesMs";

    /** The breakdown of one epoch's statistics, or null when no round was recorded. */
    public static RoundBreakdown of(SparkTrainingStats stats) {
        Map<String, List<EventStats>> events = new HashMap<>();
        collect(stats, events);
        List<EventStats> roundEvents = events.getOrDefault(MAP_PARTITIONS, List.of());
        int rounds = roundEvents.size();
        if (rounds == 0) {
            return null;
        }
        int workerRounds =
                Math.max(1, events.getOrDefault(WORKER_TOTAL, List.of()).size());
        double round = sum(events, MAP_PARTITIONS) / rounds;
        double broadcast = sum(events, BROADCAST) / rounds;
        double repartition = sum(events, REPARTITION) / rounds;
        double average = sum(events, PROCESS_PARAMS) / rounds;
        double workerTotal = sum(events, WORKER_TOTAL) / workerRounds;
        double init = sum(events, WORKER_INIT) / workerRounds;
        double data = sum(events, WORKER_DATA) / workerRounds;
        double compute = sum(events, WORKER_COMPUTE) / workerRounds;
        double spark = Math.max(0, round - broadcast - repartition - average - workerTotal);
        return new RoundBreakdown(
                rounds, round, broadcast, repartition, init, data, compute, average, spark, sum(events, EXPORT));
    }

    /** The same breakdown with the epoch's export time. */
    public RoundBreakdown withExportMs(double ms) {
        return new RoundBreakdown(
                rounds,
                roundMs,
                broadcastMs,
                repartitionMs,
                workerInitMs,
                dataLoadMs,
                computeMs,
                averageMs,
                sparkMs,
                ms);
    }

    /** Share of a round's wall time spent in the workers' useful work. */
    public double computeShare() {
        return roundMs <= 0 ? 0 : computeMs / roundMs;
    }

    /** One log line: per-round milliseconds by part. */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "%d rounds, %.1f ms per round: compute %.1f, data wait %.1f, worker init %.1f,"
                        + " broadcast %.1f, repartition %.1f, averaging %.1f, Spark job overhead %.1f (compute share %.0f%%)%s",
                rounds,
                roundMs,
                computeMs,
                dataLoadMs,
                workerInitMs,
                broadcastMs,
                repartitionMs,
                averageMs,
                sparkMs,
                100 * computeShare(),
                exportMs > 0 ? String.format(Locale.ROOT, "; export %.1f s", exportMs / 1000) : "");
    }

    private static double sum(Map<String, List<EventStats>> events, String key) {
        double total = 0;
        for (EventStats e : events.getOrDefault(key, List.of())) {
            total += e.getDurationMs();
        }
        return total;
    }

    /** Gathers every key of a statistics object and of the statistics nested in it. */
    private static void collect(SparkTrainingStats stats, Map<String, List<EventStats>> into) {
        for (SparkTrainingStats s = stats; s != null; s = s.getNestedTrainingStats()) {
            for (String key : s.getKeySet()) {
                List<EventStats> value = s.getValue(key);
                if (value != null && !into.containsKey(key)) {
                    into.put(key, new ArrayList<>(value));
                }
            }
        }
    }
}
