package dev.hearth.bench;

import dev.hearth.spark.training.RoundBreakdown;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Markdown of one {@link TrainingThroughputBench} result: the trainers' table, the ratios against the best peer,
 * the engine's accuracy parity, the fused step, the export time and the per-round breakdown.
 */
final class TrainingThroughputTable {
    private final Map<String, Object> r;
    private final StringBuilder md = new StringBuilder();

    TrainingThroughputTable(Map<String, Object> result) {
        this.r = result;
    }

    String markdown() {
        header();
        trainers();
        bestPeerRatio();
        engineRatio();
        accuracyParity();
        fused();
        export();
        breakdowns();
        return md.toString();
    }

    private double target() {
        return ((Number) r.get("targetAccuracy")).doubleValue();
    }

    private void header() {
        md.append(String.format(
                Locale.ROOT,
                "### Training throughput: %s (%,d parameters), %,d rows, batch %d, %d round(s) x %d epochs%n%n",
                r.get("network"),
                ((Number) r.get("parameters")).longValue(),
                r.get("trainRows"),
                r.get("batchSize"),
                r.get("rounds"),
                r.get("epochsPerRound")));
        md.append(String.format(
                Locale.ROOT,
                "| | examples/s, median (min-max) of epochs 2+ | test accuracy after %s epochs "
                        + "| training seconds to %.2f test accuracy (rounds reaching it) |%n|---|---|---|---|%n",
                r.get("epochsPerRound"),
                target()));
    }

    private void trainers() {
        List<?> settings = (List<?>) r.get("hearthSettings");
        row(
                "Hearth `train`, `local[2]`, "
                        + (r.get("hearthEngine") != null
                                ? "`train.engine=dl4j`" + (settings.isEmpty() ? "" : " " + settings)
                                : settings.isEmpty() ? "`conf/` defaults" : settings.toString()),
                r.get("hearth"));
        if (r.get("hearthEngine") != null) {
            row("Hearth `train`, `local[2]`, `train.engine=hearth`", r.get("hearthEngine"));
        }
        Map<?, ?> peers = (Map<?, ?>) r.get("peers");
        row("DL4J `fit`, one JVM, every thread limit 2", peers.get("dl4jFit"));
        row("DL4J `ParallelWrapper`, 2 workers x 1 thread", peers.get("parallelWrapper"));
        if (r.get("fusedOneJvm") != null) {
            row("Hearth fused step, one JVM, 2 threads (not a peer: what distribution costs)", r.get("fusedOneJvm"));
        }
    }

    private void bestPeerRatio() {
        md.append(String.format(
                Locale.ROOT,
                "| **ratio Hearth / best single-machine peer (%s)** | **%.2f** | | %s |%n%n",
                r.get("bestPeer"),
                r.get("ratioHearthOverBestPeer"),
                r.get("timeToTargetRatioBestPeerOverHearth") == null
                        ? "not reached by both"
                        : String.format(
                                Locale.ROOT,
                                "**%.2f** (peer / Hearth)",
                                r.get("timeToTargetRatioBestPeerOverHearth"))));
    }

    private void engineRatio() {
        if (r.get("ratioHearthEngineOverBestPeer") != null) {
            md.append(String.format(
                    Locale.ROOT,
                    "`train.engine=hearth` / best peer: **%.2f**%s.%n%n",
                    r.get("ratioHearthEngineOverBestPeer"),
                    r.get("ratioHearthEngineOverFusedOneJvm") == null
                            ? ""
                            : String.format(
                                    Locale.ROOT,
                                    "; / the fused step in one JVM: %.2f",
                                    r.get("ratioHearthEngineOverFusedOneJvm"))));
        }
    }

    private void accuracyParity() {
        if (r.get("accuracyHearthEngineMinusDl4jPa") != null) {
            md.append(String.format(
                    Locale.ROOT,
                    "Accuracy parity: `train.engine=hearth` test accuracy %.4f, minus DL4J"
                            + " parameter averaging's (`train.engine=dl4j`) **%+.4f** (target within 0.01), minus the best peer's %+.4f;"
                            + " time to %.2f, best peer / engine: %s.%s%n%n",
                    r.get("hearthEngineTestAccuracy"),
                    r.get("accuracyHearthEngineMinusDl4jPa"),
                    r.get("accuracyHearthEngineMinusBestPeer"),
                    target(),
                    r.get("timeToTargetRatioBestPeerOverHearthEngine") == null
                            ? "not reached by both"
                            : String.format(
                                    Locale.ROOT, "**%.2f**", r.get("timeToTargetRatioBestPeerOverHearthEngine")),
                    r.get("hearthEngineSparkOverheadMs") == null
                            ? ""
                            : String.format(
                                    Locale.ROOT,
                                    " Engine per round: Spark job overhead %.1f ms, everything but worker compute %.1f ms;"
                                            + " the floor, a Spark job of two tasks over cached partitions that moves"
                                            + " no data, on the same `local[2]` configuration: %s ms.",
                                    r.get("hearthEngineSparkOverheadMs"),
                                    r.get("hearthEngineNonComputeMs"),
                                    r.get("sparkJobFloorMs") instanceof Stats floor
                                            ? floor.toString(1)
                                            : "not measured")));
        }
    }

    private void fused() {
        if (r.get("ratioHearthOverFusedOneJvm") != null) {
            md.append(String.format(
                    Locale.ROOT,
                    "Hearth on Spark / the fused step in one JVM: %.2f.%n%n",
                    r.get("ratioHearthOverFusedOneJvm")));
        } else if (r.get("fusedOneJvmNotRunBecause") != null) {
            md.append("Fused step not run for this network: ")
                    .append(r.get("fusedOneJvmNotRunBecause"))
                    .append(".\n\n");
        }
    }

    private void export() {
        if (r.get("hearthFirstEpochExportSeconds") != null) {
            md.append("Export of the shuffled minibatches, per epoch (every epoch reshuffles): ")
                    .append(((Stats) r.get("hearthFirstEpochExportSeconds")).toString(1))
                    .append(" s.\n\n");
        }
    }

    private void breakdowns() {
        @SuppressWarnings("unchecked")
        List<RoundBreakdown> breakdowns = new ArrayList<>((List<RoundBreakdown>) r.get("hearthRoundBreakdown"));
        @SuppressWarnings("unchecked")
        List<RoundBreakdown> engineBreakdowns = (List<RoundBreakdown>) r.get("hearthEngineRoundBreakdown");
        if (breakdowns.isEmpty()) {
            return;
        }
        md.append("Per averaging round (Hearth's last epoch of each round, ms per round; worker parts per worker;"
                + " `train.engine=dl4j`'s rows first, then `train.engine=hearth`'s):\n\n");
        if (engineBreakdowns != null) {
            breakdowns.addAll(engineBreakdowns);
        }
        md.append(
                "| rounds/epoch | round | compute | data wait | worker init | broadcast | repartition | averaging | Spark job overhead | compute share |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (RoundBreakdown b : breakdowns) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f%% |%n",
                    b.rounds(),
                    b.roundMs(),
                    b.computeMs(),
                    b.dataLoadMs(),
                    b.workerInitMs(),
                    b.broadcastMs(),
                    b.repartitionMs(),
                    b.averageMs(),
                    b.sparkMs(),
                    100 * b.computeShare()));
        }
        md.append('\n');
    }

    private void row(String label, Object summary) {
        Map<?, ?> m = (Map<?, ?>) summary;
        Stats toTarget = (Stats) m.get("secondsToTarget");
        md.append(String.format(
                Locale.ROOT,
                "| %s | %s | %s | %s (%s) |%n",
                label,
                m.get("examplesPerSecond"),
                ((Stats) m.get("testAccuracy")).toString(3),
                toTarget == null ? "not reached" : toTarget.toString(1),
                m.get("reachedTarget")));
    }
}
