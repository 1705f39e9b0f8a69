package dev.hearth.spark.retrain;

import dev.hearth.spark.data.DataFormatException;
import dev.hearth.spark.data.DatasetLoader;
import dev.hearth.spark.data.DatasetSpec;
import dev.hearth.spark.data.LabelEncoding;
import dev.hearth.spark.data.LabelledData;
import dev.hearth.spark.data.LabelledRow;
import dev.hearth.spark.training.EvaluationReport;
import dev.hearth.spark.training.StoredModels;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Scores several models (challenger and champion) on the same labelled evaluation set in one distributed pass:
 * the models' {@code model.zip} bytes are broadcast, each partition restores them once, normalises every row with
 * each model's own normaliser, and the per-model confusion matrices (classification) or error sums (regression,
 * each model's outputs mapped back to the target's units with its own target normaliser) are summed with
 * {@code treeAggregate}, together with the paired counts (rows only one of two models got right) that a
 * significance test needs (classification only).
 */
public final class ChampionChallengerEvaluator {
    /**
     * One model to score: its serialized network, normaliser, label order (empty for regression) and target
     * normaliser (regression).
     */
    public record Candidate(String name, byte[] modelZip, NormalizerSpec normalizer, List<String> labels,
            NormalizerSpec targetNormalizer) implements Serializable {
        public Candidate {
            targetNormalizer = targetNormalizer == null ? NormalizerSpec.none() : targetNormalizer;
        }

        /** A classifier (or, with no labels, an unscaled regression model). */
        public Candidate(String name, byte[] modelZip, NormalizerSpec normalizer, List<String> labels) {
            this(name, modelZip, normalizer, labels, null);
        }

        /** A candidate described by its stored signature. */
        public static Candidate of(String name, byte[] modelZip, Signature signature) {
            return new Candidate(name, modelZip, signature.normalizer(), signature.labelNames(),
                    signature.targetNormalizer());
        }

        boolean regression() {
            return labels.isEmpty();
        }
    }

    private final SparkSession spark;

    public ChampionChallengerEvaluator(SparkSession spark) {
        this.spark = spark;
    }

    /**
     * Rows on which exactly one of the first candidate (the challenger) and another candidate (the champion) is
     * right: the discordant cells of their paired 2x2 table, which McNemar's test needs.
     *
     * @param onlyFirstRight rows the first candidate got right and the other one wrong
     * @param onlyOtherRight rows the other candidate got right and the first one wrong
     */
    public record Discordant(long onlyFirstRight, long onlyOtherRight) {}

    /**
     * Reports of all candidates on the same rows and the paired comparison of the first with each other one.
     *
     * @param reports one report per candidate, in order
     * @param discordant for candidate {@code m >= 1}, entry {@code m - 1}: its discordant rows with candidate 0;
     *     empty for regression models, which make no right or wrong predictions to pair
     */
    public record Comparison(List<EvaluationReport> reports, List<Discordant> discordant) {
        /** The discordant rows of candidate {@code m >= 1} with candidate 0, or null when there are none (regression). */
        public Discordant discordantWith(int m) {
            return discordant.isEmpty() ? null : discordant.get(m - 1);
        }
    }

    /** One report per candidate, in order; all candidates must share the label set. */
    public List<EvaluationReport> evaluate(DatasetSpec data, List<Candidate> candidates, int batchSize) {
        return compare(data, candidates, batchSize).reports();
    }

    /** Scores all candidates in one pass and pairs their predictions row by row with the first candidate's. */
    public Comparison compare(DatasetSpec data, List<Candidate> candidates, int batchSize) {
        List<String> labels = candidates.get(0).labels();
        for (Candidate c : candidates) {
            if (c.regression() != candidates.get(0).regression()) {
                throw new DataFormatException("cannot compare " + c.name() + " (" + (c.regression() ? "regression"
                        : "classification") + ") with " + candidates.get(0).name() + " ("
                        + (candidates.get(0).regression() ? "regression" : "classification") + ")");
            }
            if (!canonical(c.labels()).equals(canonical(labels))) {
                throw new DataFormatException("cannot compare " + c.name() + " (labels " + c.labels() + ") with "
                        + candidates.get(0).name() + " (labels " + labels + ")");
            }
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        LabelledData input = new DatasetLoader(spark).read(data);
        // Java-serialised: Kryo's FieldSerializer cannot build records.
        Broadcast<byte[]> models = sc.broadcast(javaBytes(new ArrayList<>(candidates)));
        int k = labels.size();
        int n = candidates.size();
        sc.setJobDescription("hearth retrain: evaluate " + candidates.stream().map(Candidate::name).toList() + " on "
                + data.path());
        try {
            if (labels.isEmpty()) {
                JavaRDD<double[][]> sums = input.rows().mapPartitions(it -> java.util.Collections.singletonList(
                        scoreRegression(it, fromJavaBytes(models.value()), batchSize)).iterator());
                return new Comparison(RegressionSums.reports(sums.treeAggregate(RegressionSums.zero(n),
                        RegressionSums::merge, RegressionSums::merge)), List.of());
            }
            JavaRDD<long[][][]> partial = input.rows().mapPartitions(it -> java.util.Collections.singletonList(score(it, fromJavaBytes(models.value()), batchSize))
                    .iterator());
            long[][][] total = partial.treeAggregate(zero(n, k), ChampionChallengerEvaluator::add,
                    ChampionChallengerEvaluator::add);
            List<EvaluationReport> out = new ArrayList<>();
            for (int m = 0; m < n; m++) {
                out.add(report(total[m], labels));
            }
            List<Discordant> discordant = new ArrayList<>();
            for (int m = 1; m < n; m++) {
                discordant.add(new Discordant(total[n][m][0], total[n][m][1]));
            }
            return new Comparison(out, discordant);
        } finally {
            models.destroy();
            sc.setJobDescription(null);
        }
    }

    private static List<String> canonical(List<String> labels) {
        return labels.stream().map(LabelEncoding::canonical).toList();
    }

    /**
     * Per candidate a k x k confusion matrix; then one extra entry of n rows {first only right, other only right}
     * pairing candidate 0 with candidate m (row 0 unused).
     */
    private static long[][][] zero(int n, int k) {
        long[][][] z = new long[n + 1][][];
        for (int m = 0; m < n; m++) {
            z[m] = new long[k][k];
        }
        z[n] = new long[n][2];
        return z;
    }

    private static byte[] javaBytes(ArrayList<Candidate> candidates) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(candidates);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static List<Candidate> fromJavaBytes(byte[] bytes) throws java.io.IOException, ClassNotFoundException {
        // Resolve through the task's context loader: on a cluster the jobs jar is not on the system class path.
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes)) {
            @Override
            protected Class<?> resolveClass(java.io.ObjectStreamClass desc) throws java.io.IOException,
                    ClassNotFoundException {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    return super.resolveClass(desc);
                }
            }
        }) {
            return (List<Candidate>) in.readObject();
        }
    }

    private static long[][][] score(Iterator<LabelledRow> it, List<Candidate> candidates, int batchSize) {
        int n = candidates.size();
        List<String> labels = candidates.get(0).labels();
        int k = labels.size();
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < k; i++) {
            index.put(LabelEncoding.canonical(labels.get(i)), i);
        }
        List<MultiLayerNetwork> nets = new ArrayList<>();
        for (Candidate c : candidates) {
            nets.add(StoredModels.restore(c.modelZip(), c.name()));
        }
        long[][][] confusion = zero(n, k);
        List<LabelledRow> batch = new ArrayList<>(batchSize);
        while (it.hasNext()) {
            batch.add(it.next());
            if (batch.size() == batchSize || !it.hasNext()) {
                int[] actual = new int[batch.size()];
                for (int r = 0; r < actual.length; r++) {
                    Integer a = index.get(batch.get(r).label());
                    if (a == null) {
                        throw new DataFormatException("evaluation label '" + batch.get(r).label()
                                + "' is not one of the models' labels " + labels);
                    }
                    actual[r] = a;
                }
                int[] first = null;
                for (int m = 0; m < n; m++) {
                    int[] predicted = predict(nets.get(m), candidates.get(m).normalizer(), batch);
                    for (int r = 0; r < actual.length; r++) {
                        confusion[m][actual[r]][predicted[r]]++;
                    }
                    if (m == 0) {
                        first = predicted;
                        continue;
                    }
                    for (int r = 0; r < actual.length; r++) {
                        boolean firstRight = first[r] == actual[r];
                        if (firstRight != (predicted[r] == actual[r])) {
                            confusion[n][m][firstRight ? 0 : 1]++;
                        }
                    }
                }
                batch.clear();
            }
        }
        return confusion;
    }

    private static int[] predict(MultiLayerNetwork net, NormalizerSpec normalizer, List<LabelledRow> rows) {
        return net.output(input(normalizer, rows), false).argMax(1).toIntVector();
    }

    private static INDArray input(NormalizerSpec normalizer, List<LabelledRow> rows) {
        int features = rows.get(0).features().length;
        float[] x = new float[rows.size() * features];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r).features(), 0, x, r * features, features);
            normalizer.apply(x, r * features, features);
        }
        return Nd4j.create(x, new long[] {rows.size(), features}, DataType.FLOAT);
    }

    /** One partition's {@link RegressionSums}: every model's errors in the target's own units. */
    private static double[][] scoreRegression(Iterator<LabelledRow> it, List<Candidate> candidates, int batchSize) {
        int n = candidates.size();
        List<MultiLayerNetwork> nets = new ArrayList<>();
        for (Candidate c : candidates) {
            nets.add(StoredModels.restore(c.modelZip(), c.name()));
        }
        double[][] sums = RegressionSums.zero(n);
        List<LabelledRow> batch = new ArrayList<>(batchSize);
        while (it.hasNext()) {
            batch.add(it.next());
            if (batch.size() == batchSize || !it.hasNext()) {
                double[] actual = new double[batch.size()];
                for (int r = 0; r < actual.length; r++) {
                    actual[r] = LabelEncoding.parseTarget(batch.get(r).label());
                }
                double[][] predicted = new double[n][];
                for (int m = 0; m < n; m++) {
                    Candidate c = candidates.get(m);
                    float[] out = nets.get(m).output(input(c.normalizer(), batch), false).castTo(DataType.FLOAT)
                            .data().asFloat();
                    if (out.length != actual.length) {
                        throw new DataFormatException(c.name() + " returns " + out.length / actual.length
                                + " values per row; the retrain gate compares models with one regression target");
                    }
                    predicted[m] = new double[out.length];
                    for (int r = 0; r < out.length; r++) {
                        // Back to the target's own units, with this model's own target normaliser.
                        c.targetNormalizer().invert(out, r, 1);
                        predicted[m][r] = out[r];
                    }
                }
                RegressionSums.add(sums, actual, predicted);
                batch.clear();
            }
        }
        return sums;
    }

    private static long[][][] add(long[][][] a, long[][][] b) {
        for (int m = 0; m < a.length; m++) {
            for (int i = 0; i < a[m].length; i++) {
                for (int j = 0; j < a[m][i].length; j++) {
                    a[m][i][j] += b[m][i][j];
                }
            }
        }
        return a;
    }

    /** The classification report of one candidate's confusion matrix. */
    static EvaluationReport report(long[][] c, List<String> labels) {
        return EvaluationReport.classification(c, labels);
    }
}
