package dev.hearth.spark.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.runtime.TestNetworks;
import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.data.DatasetLoader;
import dev.hearth.spark.data.DatasetSpec;
import dev.hearth.spark.data.EpochPlan;
import dev.hearth.spark.data.LabelEncoding;
import dev.hearth.spark.data.LabelledRow;
import dev.hearth.spark.data.RowIds;
import dev.hearth.spark.data.TrainingBatches;
import dev.hearth.store.NormalizerSpec;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import scala.Tuple2;

/**
 * Every training example is fitted exactly once per epoch, whatever the input partitioning and for both ways
 * minibatches reach DL4J's workers. Real data (the bundled 8x8 digits, 1,797 rows) with one extra feature that
 * numbers the row, in four partitions of 10%, 30%, 0% and 60% of the rows; a DL4J {@link
 * org.deeplearning4j.optimize.api.TrainingListener} on the workers records the row numbers of every minibatch they
 * fit. (With DL4J's own split logic, 9.9% of the quickstart's examples were never fitted, every epoch.)
 */
class EveryExampleOncePerEpochTest {
    private static SparkSession spark;

    @TempDir
    Path exportBase;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("every-example-once", "local[2]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Records the row numbers (last input column) of each minibatch a worker fits. */
    static final class FittedRows extends BaseTrainingListener implements Serializable {
        private static final long serialVersionUID = 1L;
        private final CollectionAccumulator<float[]> minibatches;

        FittedRows(CollectionAccumulator<float[]> minibatches) {
            this.minibatches = minibatches;
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            INDArray input = ((MultiLayerNetwork) model).getInput();
            minibatches.add(input.get(NDArrayIndex.all(), NDArrayIndex.point(input.columns() - 1))
                    .dup()
                    .toFloatVector());
        }
    }

    /** The digits, numbered, in four uneven partitions (one of them empty). */
    private static JavaRDD<LabelledRow> unevenDigits() throws Exception {
        String path = Path.of(EveryExampleOncePerEpochTest.class
                        .getResource("/dev/hearth/spark/data/digits-8x8.csv")
                        .toURI())
                .toString();
        JavaRDD<LabelledRow> read = new DatasetLoader(spark)
                .read(new DatasetSpec(path, "csv", "label", true, ',', List.of(), false, 0, false))
                .rows();
        return read.zipWithIndex()
                .mapToPair(t -> {
                    float[] f = Arrays.copyOf(t._1().features(), 65);
                    f[64] = t._2();
                    long tenth = t._2() % 10;
                    int partition = tenth == 0 ? 0 : tenth <= 3 ? 1 : 3;
                    return new Tuple2<>(partition, new LabelledRow(t._1().label(), f));
                })
                .partitionBy(new HashPartitioner(4))
                .values()
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
    }

    private static MultiLayerNetwork network() {
        return TestNetworks.network(5, 65, 16, 10, true, new Adam(1e-3));
    }

    /** The row numbers of each minibatch {@code train} plans for {@code epoch}. */
    private static Set<Set<Integer>> planned(TrainingBatches train, int epoch) {
        Set<Set<Integer>> out = new HashSet<>();
        for (org.nd4j.linalg.dataset.DataSet b : train.epoch(epoch).batches().collect()) {
            out.add(RowIds.of(b));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"export", "direct"})
    void everyTrainingExampleIsFittedExactlyOncePerEpoch(String approach) throws Exception {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<LabelledRow> rows = unevenDigits();
        assertThat(rows.glom().map(List::size).collect()).containsExactly(180, 540, 0, 1077);
        LabelEncoding digits = LabelEncoding.classes(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
        TrainingBatches train = TrainingBatches.of(rows, 1797, 32, digits, NormalizerSpec.none(), 65, 2, 3, 42);
        EpochPlan plan = train.plan();
        assertThat(plan.batches()).isEqualTo(57);
        boolean unequalRound = false;
        for (int r = 0; r < plan.rounds(); r++) {
            unequalRound |=
                    plan.slotsIn(r) == 2 && plan.examples(plan.firstSlot(r)) != plan.examples(plan.firstSlot(r) + 1);
        }
        assertThat(unequalRound)
                .as("some round has workers with different loads (weighted averaging)")
                .isTrue();

        CollectionAccumulator<float[]> fitted = sc.sc().collectionAccumulator("fitted-rows");
        TrainingOptions options = new TrainingOptions(2, 32, 3, 2, approach, exportBase.toString(), 42, false);
        List<Set<Set<Integer>>> epochs = new ArrayList<>();
        try (TrainingEngine.Session session =
                new ParameterAveragingEngine(List.of(new FittedRows(fitted))).open(sc, network(), options)) {
            for (int epoch = 1; epoch <= 3; epoch++) {
                fitted.reset();
                EpochFit fit = session.fitEpoch(train.epoch(epoch));
                assertThat(fit.examples())
                        .as("epoch %d: examples the engine counted", epoch)
                        .isEqualTo(1797);
                List<float[]> minibatches = fitted.value();
                assertThat(minibatches)
                        .as("epoch %d: minibatches fitted", epoch)
                        .hasSize(57);
                List<Integer> ids = new ArrayList<>();
                Set<Set<Integer>> composition = new HashSet<>();
                for (float[] minibatch : minibatches) {
                    Set<Integer> batch = new TreeSet<>();
                    for (float id : minibatch) {
                        ids.add((int) id);
                        batch.add((int) id);
                    }
                    composition.add(batch);
                }
                ids.sort(null);
                assertThat(ids)
                        .as("epoch %d: every row fitted exactly once", epoch)
                        .hasSize(1797)
                        .doesNotHaveDuplicates()
                        .startsWith(0)
                        .endsWith(1796);
                assertThat(composition)
                        .as("epoch %d: the workers fitted exactly the planned minibatches", epoch)
                        .isEqualTo(planned(train, epoch));
                epochs.add(composition);
            }
        }
        assertThat(epochs.get(0)).as("epoch 2 fits new minibatches").doesNotContainAnyElementsOf(epochs.get(1));
        assertThat(epochs.get(1)).as("epoch 3 fits new minibatches").doesNotContainAnyElementsOf(epochs.get(2));
        rows.unpersist();
    }
}
