package dev.hearth.spark.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.data.EpochBatches;
import dev.hearth.spark.data.EpochPlan;
import dev.hearth.spark.training.EpochFit;
import dev.hearth.spark.training.EvaluationReport;
import dev.hearth.spark.training.ParameterAveragingEngine;
import dev.hearth.spark.training.ParityNets;
import dev.hearth.spark.training.TrainingEngine;
import dev.hearth.spark.training.TrainingOptions;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The Hearth engine against its references on real Spark ({@code local[2]}): with one worker and one minibatch
 * per round it matches single-machine {@code fit} (1e-5 relative, fused step and DL4J {@code fit} on the worker);
 * with two workers it matches DL4J's parameter averaging on the same splits over several rounds (1e-4 relative,
 * parameters and Adam state).
 */
class HearthEngineParityTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("hearth-engine-parity-test", "local[2]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static MultiLayerConfiguration conf() {
        return ParityNets.conf();
    }

    private static MultiLayerNetwork fresh() {
        MultiLayerNetwork net = new MultiLayerNetwork(conf());
        net.init();
        return net;
    }

    private static DataSet batch(int seed, int n) {
        return ParityNets.batch(seed, n);
    }

    private static double relative(INDArray actual, INDArray expected) {
        return actual.castTo(DataType.DOUBLE)
                        .sub(expected.castTo(DataType.DOUBLE))
                        .norm2Number()
                        .doubleValue()
                / expected.castTo(DataType.DOUBLE).norm2Number().doubleValue();
    }

    @Test
    void oneWorkerOneStepPerRoundMatchesSingleMachineFitWithTheFusedStep() {
        assertOneWorkerParity(true);
    }

    @Test
    void oneWorkerOneStepPerRoundMatchesSingleMachineFitWithDl4jFit() {
        assertOneWorkerParity(false);
    }

    private void assertOneWorkerParity(boolean fused) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        MultiLayerNetwork single = fresh();
        MultiLayerNetwork distributed = fresh();
        TrainingOptions options = new TrainingOptions(1, 16, 1, 0, "auto", "", 1, false);
        try (TrainingEngine.Session session = new HearthEngine(fused).open(sc, distributed, options)) {
            List<DataSet> batches = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                batches.add(batch(100 + i, 16));
            }
            for (DataSet b : batches) {
                single.fit(b);
            }
            // One epoch of 6 minibatches on one worker with frequency 1: 6 rounds of one step each.
            EpochPlan plan = new EpochPlan(96, 16, 1, 1);
            assertThat(plan.rounds()).isEqualTo(6);
            EpochFit fit = session.fitEpoch(new EpochBatches(1, plan, sc.parallelize(batches, 6)));
            assertThat(fit.examples()).isEqualTo(96);
            assertThat(fit.loss()).isFinite();
            assertThat(relative(session.network().params(), single.params())).isLessThanOrEqualTo(1e-5);
            assertThat(relative(
                            session.network().getUpdater().getStateViewArray(),
                            single.getUpdater().getStateViewArray()))
                    .isLessThanOrEqualTo(1e-5);
            assertThat(session.network().getIterationCount()).isEqualTo(6);
            assertThat(session.lastEpochBreakdown().rounds()).isEqualTo(6);
            assertThat(session.lastEpochBreakdown().computeMs()).isPositive();
            assertThat(session.lastEpochBreakdown().roundMs())
                    .isGreaterThanOrEqualTo(session.lastEpochBreakdown().computeMs());
            assertThat(relative(session.network().params(), fresh().params()))
                    .as("training moved the parameters")
                    .isGreaterThan(1e-3);
        }
    }

    @Test
    void twoWorkersMatchDl4jParameterAveragingOnTheSameSplits() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // 14 minibatches of 8 on 2 workers, at most 2 per worker per round: 4 rounds, unequal slots.
        List<DataSet> batches = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            batches.add(batch(300 + i, 8));
        }
        EpochPlan plan = new EpochPlan(112, 8, 2, 2);
        assertThat(plan.rounds()).isEqualTo(4);
        TrainingOptions options = new TrainingOptions(2, 8, 2, 0, "direct", "", 1, false);
        MultiLayerNetwork reference = fresh();
        MultiLayerNetwork hearth = fresh();
        try (TrainingEngine.Session pa = new ParameterAveragingEngine().open(sc, reference, options);
                TrainingEngine.Session session = new HearthEngine(true).open(sc, hearth, options)) {
            // The epoch the cached blocks were cut for follows the plan exactly, round by round.
            pa.fitEpoch(new EpochBatches(1, plan, slots(sc, plan, batches)));
            EpochFit fit = session.fitEpoch(new EpochBatches(1, plan, slots(sc, plan, batches)));
            assertThat(fit.examples()).isEqualTo(112);
            assertThat(session.lastEpochBreakdown().rounds()).isEqualTo(4);
            assertThat(relative(hearth.params(), pa.network().params()))
                    .as("parameters")
                    .isLessThanOrEqualTo(1e-4);
            assertThat(relative(
                            hearth.getUpdater().getStateViewArray(),
                            pa.network().getUpdater().getStateViewArray()))
                    .as("Adam state")
                    .isLessThanOrEqualTo(1e-4);
            assertThat(relative(hearth.params(), fresh().params())).isGreaterThan(1e-3);
            List<String> labels = List.of("a", "b", "c");
            EvaluationReport report = session.evaluate(sc.parallelize(new ArrayList<>(batches), 2), labels);
            assertThat(report.toString()).isNotEmpty();

            // Later epochs reorder the cached blocks: every example again, and nothing of the new epoch's RDDs is
            // read (computing them would fail the round).
            JavaRDD<DataSet> unread = slots(sc, plan, batches).map(b -> {
                throw new IllegalStateException("epoch 2 re-read its minibatches instead of the cached blocks");
            });
            INDArray before = hearth.params().dup();
            EpochFit second = session.fitEpoch(new EpochBatches(2, plan, unread, 2, unread));
            assertThat(second.examples()).isEqualTo(112);
            assertThat(second.loss()).isFinite();
            assertThat(relative(hearth.params(), before)).isGreaterThan(1e-4);
        }
    }

    @Test
    void aTreeAggregatedRoundMatchesTheDirectRound() {
        // Rounds of more than 8 workers combine their sums with a depth-2 treeAggregate instead of merging them on
        // the driver; with the threshold at 1, two workers on local[2] take that path. Same splits, same result.
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<DataSet> batches = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            batches.add(batch(500 + i, 8));
        }
        EpochPlan plan = new EpochPlan(112, 8, 2, 2);
        TrainingOptions options = new TrainingOptions(2, 8, 2, 0, "direct", "", 1, false);
        MultiLayerNetwork direct = fresh();
        MultiLayerNetwork tree = fresh();
        try (TrainingEngine.Session d = new HearthEngine(true).open(sc, direct, options);
                TrainingEngine.Session t = new HearthEngine(true, 1).open(sc, tree, options)) {
            EpochFit fd = d.fitEpoch(new EpochBatches(1, plan, slots(sc, plan, batches)));
            EpochFit ft = t.fitEpoch(new EpochBatches(1, plan, slots(sc, plan, batches)));
            assertThat(ft.examples()).isEqualTo(fd.examples()).isEqualTo(112);
            assertThat(t.lastEpochBreakdown().rounds()).isEqualTo(4);
            assertThat(relative(tree.params(), direct.params()))
                    .as("parameters")
                    .isLessThanOrEqualTo(1e-6);
            assertThat(relative(
                            tree.getUpdater().getStateViewArray(),
                            direct.getUpdater().getStateViewArray()))
                    .as("Adam state")
                    .isLessThanOrEqualTo(1e-6);
            assertThat(ft.loss()).isCloseTo(fd.loss(), org.assertj.core.data.Offset.offset(1e-6));
            assertThat(relative(tree.params(), fresh().params())).isGreaterThan(1e-3);
        }
    }

    /** The epoch's minibatches laid out one partition per slot, in plan order. */
    private static JavaRDD<DataSet> slots(JavaSparkContext sc, EpochPlan plan, List<DataSet> batches) {
        List<List<DataSet>> slots = new ArrayList<>();
        int next = 0;
        for (int s = 0; s < plan.slots(); s++) {
            List<DataSet> slot = new ArrayList<>();
            for (int i = 0; i < plan.batches(s); i++) {
                slot.add(batches.get(next++));
            }
            slots.add(slot);
        }
        return sc.parallelize(slots, plan.slots()).flatMap(List::iterator);
    }
}
