package dev.hearth.spark.engine;

import dev.hearth.spark.data.BlockOrder;
import dev.hearth.spark.data.EpochPlan;
import dev.hearth.spark.engine.fused.FusedDenseStep;
import dev.hearth.spark.training.TrainingEngine;
import dev.hearth.spark.training.TrainingOptions;
import java.util.UUID;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TrainingEngine} on plain Spark primitives ({@code train.engine=hearth}). The run's minibatches are cut
 * once (blocks = the slots of the first epoch's {@link EpochPlan}) and persisted once per session as serialised
 * blocks ({@code MEMORY_AND_DISK_SER}, unpersisted at close); each epoch fits every block once, in the order of
 * {@link BlockOrder} (a seeded permutation after the first epoch). Each averaging round is one Spark job: it takes
 * as many blocks as there are executor task slots alive at its start ({@link LiveWorkers}, capped by
 * {@code train.workers} when that is not 0), so under dynamic allocation a joining executor works from the next
 * round and a leaving one costs only its round's task, which Spark retries. The driver broadcasts the flat
 * parameters and updater state (destroyed after the round), each chosen block runs K local steps on an executor's
 * kept worker ({@link RoundTask}, {@link WorkerSessions}), and the same job brings back the
 * example-weighted sums, which the driver divides into the network in place. The network configuration travels
 * once, in a session broadcast. Evaluation is DL4J's distributed evaluation, as with the {@code dl4j} engine.
 */
public final class HearthEngine implements TrainingEngine {
    private static final Logger LOG = LoggerFactory.getLogger(HearthEngine.class);

    private final boolean fused;
    private final int directMaxWorkers;

    /** The engine; with {@code fused} false every worker uses DL4J's {@code fit} (for comparisons). */
    public HearthEngine(boolean fused) {
        this(fused, HearthSession.DIRECT_MAX_WORKERS);
    }

    /** The engine with rounds of more than {@code directMaxWorkers} workers tree-aggregated (tests of that path). */
    HearthEngine(boolean fused, int directMaxWorkers) {
        this.fused = fused;
        this.directMaxWorkers = directMaxWorkers;
    }

    @Override
    public Session open(JavaSparkContext sc, MultiLayerNetwork network, TrainingOptions options) {
        String why = FusedDenseStep.unsupported(network);
        if (!fused) {
            LOG.info("Hearth engine: workers train with DL4J's fit (fused step off)");
        } else if (why != null) {
            LOG.info("Hearth engine: workers train with DL4J's fit, not the fused dense step: {}", why);
        } else {
            LOG.info("Hearth engine: workers train with the fused dense step");
        }
        if (!sc.isLocal()
                && !"0".equals(sc.getConf().get("spark.locality.wait", "3s").replaceAll("[a-z]+$", ""))) {
            LOG.warn(
                    "Hearth engine: spark.locality.wait is {}: a round whose cached blocks sit on a busy executor"
                            + " waits that long before another executor reads them; set it to 0 for train.engine=hearth",
                    sc.getConf().get("spark.locality.wait", "3s"));
        }
        SessionSetup setup = new SessionSetup(
                UUID.randomUUID().toString(),
                network.getLayerWiseConfigurations().toJson(),
                options.batchSizePerWorker(),
                fused);
        Broadcast<SessionSetup> shared = sc.broadcast(setup);
        return new HearthSession(sc, network, options, setup, shared, new LiveWorkers(sc), directMaxWorkers);
    }
}
