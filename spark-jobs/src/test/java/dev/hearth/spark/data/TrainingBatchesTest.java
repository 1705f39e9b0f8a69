package dev.hearth.spark.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.store.NormalizerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The training data path on real data (the bundled 8x8 digits, 1,797 rows, 10 classes): a label-sorted copy spread
 * over four CSV files gives minibatches of one class when cut in order, and mixed ones after the global shuffle;
 * every epoch holds every row once, in new minibatches, the same ones again for the same seed.
 */
class TrainingBatchesTest extends ReaderTestSupport {
    private static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    @TempDir
    Path dir;

    private static String digitsPath() {
        try {
            return Path.of(TrainingBatchesTest.class
                            .getResource("/dev/hearth/spark/data/digits-8x8.csv")
                            .toURI())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The digits sorted by label, as four CSV files with a header each (four input partitions). */
    private String labelSortedParts() throws Exception {
        List<String> lines = Files.readAllLines(Path.of(digitsPath()));
        String header = lines.get(0);
        List<String> rows = new ArrayList<>(lines.subList(1, lines.size()));
        rows.sort(Comparator.comparingInt(r -> Integer.parseInt(r.substring(r.lastIndexOf(',') + 1))));
        Path parts = Files.createDirectories(dir.resolve("sorted"));
        int per = (rows.size() + 3) / 4;
        for (int i = 0; i < 4; i++) {
            List<String> part = new ArrayList<>(List.of(header));
            part.addAll(rows.subList(i * per, Math.min(rows.size(), (i + 1) * per)));
            Files.write(parts.resolve(String.format("part-%05d.csv", i)), part);
        }
        return parts.toString();
    }

    private static int classesIn(DataSet batch) {
        Set<Integer> classes = new HashSet<>();
        int[] argmax = batch.getLabels().argMax(1).toIntVector();
        for (int c : argmax) {
            classes.add(c);
        }
        return classes.size();
    }

    @Test
    void aLabelSortedCsvOverSeveralFilesGivesMixedMinibatchesAfterTheShuffle() throws Exception {
        LabelledData data =
                new DatasetLoader(spark).read(csv(labelSortedParts(), "label", true, ',', List.of(), false));
        JavaRDD<LabelledRow> rows = data.rows().persist(StorageLevel.MEMORY_AND_DISK_SER());
        assertThat(rows.getNumPartitions()).isEqualTo(4);
        LabelEncoding digits = LabelEncoding.classes(DIGITS);

        List<DataSet> inOrder =
                MiniBatcher.batches(rows, 32, digits, NormalizerSpec.none(), 64).collect();
        long singleClass = inOrder.stream().filter(b -> classesIn(b) == 1).count();
        assertThat(singleClass)
                .as("cut in input order, most minibatches hold one class")
                .isGreaterThan(inOrder.size() / 2);

        TrainingBatches train = TrainingBatches.of(rows, rows.count(), 32, digits, NormalizerSpec.none(), 64, 2, 3, 42);
        EpochBatches epoch = train.epoch(1);
        List<List<DataSet>> slots = epoch.batches().glom().collect();
        assertThat(slots).hasSize(epoch.plan().slots());
        for (int s = 0; s < slots.size(); s++) {
            int slot = s;
            DataSet all = DataSet.merge(slots.get(s));
            assertThat(classesIn(all))
                    .as(
                            "slot %d (worker %d of round %d) sees most classes",
                            s, epoch.plan().worker(s), epoch.plan().round(s))
                    .isGreaterThanOrEqualTo(8);
            assertThat(slots.get(s)).allSatisfy(b -> {
                if (b.numExamples() == 32) {
                    assertThat(classesIn(b))
                            .as("a full minibatch of slot %d", slot)
                            .isGreaterThanOrEqualTo(5);
                }
            });
        }
        rows.unpersist();
    }

    /** The digits with a last feature that numbers the row, so minibatches can be compared by their rows. */
    private JavaRDD<LabelledRow> numberedDigits(int partitions) {
        List<LabelledRow> read = rows(spec(digitsPath(), "csv", "label", false, false));
        List<LabelledRow> numbered = new ArrayList<>();
        for (int i = 0; i < read.size(); i++) {
            float[] f = Arrays.copyOf(read.get(i).features(), 65);
            f[64] = i;
            numbered.add(new LabelledRow(read.get(i).label(), f));
        }
        return JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(numbered, partitions);
    }

    /** Each minibatch of an epoch as the set of its row numbers, in slot and minibatch order. */
    private static List<Set<Integer>> minibatches(EpochBatches epoch) {
        List<Set<Integer>> out = new ArrayList<>();
        for (DataSet b : epoch.batches().collect()) {
            out.add(RowIds.of(b));
        }
        return out;
    }

    @Test
    void everyEpochHoldsEveryRowOnceInNewMinibatchesThatTheSeedReproduces() {
        JavaRDD<LabelledRow> rows = numberedDigits(3).persist(StorageLevel.MEMORY_AND_DISK_SER());
        LabelEncoding digits = LabelEncoding.classes(DIGITS);
        TrainingBatches train = TrainingBatches.of(rows, 1797, 32, digits, NormalizerSpec.none(), 65, 2, 3, 42);
        List<Set<Integer>> epoch1 = minibatches(train.epoch(1));
        List<Set<Integer>> epoch2 = minibatches(train.epoch(2));
        for (List<Set<Integer>> epoch : List.of(epoch1, epoch2)) {
            assertThat(epoch).hasSize(57);
            List<Integer> ids = epoch.stream().flatMap(Set::stream).sorted().toList();
            assertThat(ids).as("every row exactly once").hasSize(1797).doesNotHaveDuplicates();
            assertThat(ids.get(0)).isZero();
            assertThat(ids.get(1796)).isEqualTo(1796);
        }
        assertThat(new HashSet<>(epoch1))
                .as("no minibatch of epoch 1 comes back in epoch 2")
                .doesNotContainAnyElementsOf(epoch2);

        TrainingBatches again = TrainingBatches.of(rows, 1797, 32, digits, NormalizerSpec.none(), 65, 2, 3, 42);
        assertThat(minibatches(again.epoch(1)))
                .as("same seed, same minibatches")
                .isEqualTo(epoch1);
        TrainingBatches otherSeed = TrainingBatches.of(rows, 1797, 32, digits, NormalizerSpec.none(), 65, 2, 3, 43);
        assertThat(minibatches(otherSeed.epoch(1))).isNotEqualTo(epoch1);
        rows.unpersist();
    }

    @Test
    void rowsThatChangedSinceTheyWereCountedFailTheEpoch() {
        JavaRDD<LabelledRow> rows = numberedDigits(2);
        TrainingBatches train =
                TrainingBatches.of(rows, 1800, 32, LabelEncoding.classes(DIGITS), NormalizerSpec.none(), 65, 2, 3, 42);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> train.epoch(1).batches().count())
                .hasStackTraceContaining("training rows instead of");
    }

    @Test
    void theRunsCacheableBlocksAreEpochOnesWhicheverEpochComesFirst() {
        LabelledData data = new DatasetLoader(spark).read(csv(digitsPath(), "label", true, ',', List.of(), false));
        JavaRDD<LabelledRow> rows = data.rows().persist(StorageLevel.MEMORY_AND_DISK_SER());
        LabelEncoding digits = LabelEncoding.classes(DIGITS);
        long count = rows.count();
        // A resumed run asks for epoch 3 first: its blocks are still epoch 1's, as in the uninterrupted run.
        TrainingBatches resumed = TrainingBatches.of(rows, count, 32, digits, NormalizerSpec.none(), 64, 2, 3, 42);
        EpochBatches third = resumed.epoch(3);
        assertThat(third.blocksEpoch()).isEqualTo(1);
        assertThat(third.blocks()).isNotSameAs(third.batches());
        assertThat(resumed.epoch(4).blocks()).isSameAs(third.blocks());
        TrainingBatches whole = TrainingBatches.of(rows, count, 32, digits, NormalizerSpec.none(), 64, 2, 3, 42);
        EpochBatches first = whole.epoch(1);
        assertThat(first.blocks()).isSameAs(first.batches());
        assertThat(whole.epoch(2).blocks()).isSameAs(first.blocks());
        assertThat(sums(third.blocks().collect())).isEqualTo(sums(first.blocks().collect()));
        rows.unpersist();
    }

    /** Per minibatch, in order: its feature sum (identifies the minibatch's rows). */
    private static List<Double> sums(List<DataSet> batches) {
        return batches.stream()
                .map(b -> b.getFeatures().sumNumber().doubleValue())
                .toList();
    }
}
