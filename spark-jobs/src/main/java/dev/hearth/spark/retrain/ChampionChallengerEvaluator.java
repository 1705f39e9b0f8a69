package dev.hearth.spark.retrain;

import dev.hearth.runtime.Labels;
import dev.hearth.runtime.RowPredictor;
import dev.hearth.spark.data.DataFormatException;
import dev.hearth.spark.data.DatasetLoader;
import dev.hearth.spark.data.DatasetSpec;
import dev.hearth.spark.data.LabelEncoding;
import dev.hearth.spark.data.LabelledData;
import dev.hearth.spark.data.LabelledRow;
import dev.hearth.spark.scoring.ShippedModel;
import dev.hearth.spark.training.EvaluationReport;
import dev.hearth.store.ModelFiles;
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

/**
 * Scores several models (challenger and champion) on the same labelled evaluation set in one distributed pass:
 * the models' {@code model.zip} bytes are broadcast, each partition restores them once through model-runtime (as the
 * server does: each model's own normaliser applied inside, and a regression model's outputs mapped back to the
 * target's units with its own target normaliser), and the per-model confusion matrices (classification) or error
 * sums (regression) are summed with
 * {@code treeAggregate}, together with the paired counts (rows only one of two models got right) that a
 * significance test needs (classification only).
 */
public final class ChampionChallengerEvaluator {
    /**
     * One model to score: its stored bytes and what model-runtime needs to run them as the server does (framework,
     * signature with its normaliser, labels and target normaliser).
     */
    public record Candidate(String name, byte[] modelZip, ShippedModel model) implements Serializable {
        /** A candidate described by its stored signature, a DL4J network's {@code model.zip}. */
        public static Candidate of(String name, byte[] modelZip, Signature signature) {
            return of(name, ModelFiles.DL4J_MULTILAYER, modelZip, signature);
        }

        /** A candidate of {@code framework} described by its stored signature. */
        public static Candidate of(String name, String framework, byte[] modelBytes, Signature signature) {
            return new Candidate(name, modelBytes, new ShippedModel(name, framework, signature));
        }

        /** Class names in output order; empty for regression. */
        public List<String> labels() {
            return model.signature().labelNames();
        }

        boolean regression() {
            return labels().isEmpty();
        }

        RowPredictor open() {
            return model.openRows(modelZip);
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
                throw new DataFormatException(
                        "cannot compare " + c.name() + " (" + (c.regression() ? "regression" : "classification")
                                + ") with " + candidates.get(0).name() + " ("
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
        sc.setJobDescription("hearth retrain: evaluate "
                + candidates.stream().map(Candidate::name).toList() + " on " + data.path());
        try {
            if (labels.isEmpty()) {
                JavaRDD<double[][]> sums = input.rows()
                        .mapPartitions(it -> java.util.Collections.singletonList(
                                        scoreRegression(it, fromJavaBytes(models.value()), batchSize))
                                .iterator());
                return new Comparison(
                        RegressionSums.reports(sums.treeAggregate(
                                RegressionSums.zero(n), RegressionSums::merge, RegressionSums::merge)),
                        List.of());
            }
            JavaRDD<long[][][]> partial = input.rows()
                    .mapPartitions(it -> java.util.Collections.singletonList(
                                    score(it, fromJavaBytes(models.value()), batchSize))
                            .iterator());
            long[][][] total = partial.treeAggregate(
                    zero(n, k), ChampionChallengerEvaluator::add, ChampionChallengerEvaluator::add);
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
            protected Class<?> resolveClass(java.io.ObjectStreamClass desc)
                    throws java.io.IOException, ClassNotFoundException {
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
        List<RowPredictor> nets = open(candidates);
        try {
            return confusion(it, candidates, nets, index, batchSize);
        } finally {
            nets.forEach(RowPredictor::close);
        }
    }

    private static long[][][] confusion(
            Iterator<LabelledRow> it,
            List<Candidate> candidates,
            List<RowPredictor> nets,
            Map<String, Integer> index,
            int batchSize) {
        int n = candidates.size();
        List<String> labels = candidates.get(0).labels();
        int k = labels.size();
        long[][][] confusion = zero(n, k);
        List<LabelledRow> batch = new ArrayList<>(batchSize);
        while (it.hasNext()) {
            batch.add(it.next());
            if (batch.size() == batchSize || !it.hasNext()) {
                int[] actual = new int[batch.size()];
                for (int r = 0; r < actual.length; r++) {
                    Integer a = index.get(batch.get(r).label());
                    if (a == null) {
                        throw new DataFormatException("evaluation label '"
                                + batch.get(r).label() + "' is not one of the models' labels " + labels);
                    }
                    actual[r] = a;
                }
                int[] first = null;
                for (int m = 0; m < n; m++) {
                    int[] predicted = predict(nets.get(m), batch);
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

    /** Every candidate restored by model-runtime, as the server restores it; all closed if one fails. */
    private static List<RowPredictor> open(List<Candidate> candidates) {
        List<RowPredictor> nets = new ArrayList<>();
        try {
            for (Candidate c : candidates) {
                nets.add(c.open());
            }
        } catch (RuntimeException e) {
            nets.forEach(RowPredictor::close);
            throw e;
        }
        return nets;
    }

    /** The predicted class index of every row: the runtime normalises, {@link Labels} picks the class. */
    private static int[] predict(RowPredictor net, List<LabelledRow> rows) {
        float[] p = net.predictRows(features(net.inputWidth(), rows), rows.size());
        int[] predicted = new int[rows.size()];
        for (int r = 0; r < predicted.length; r++) {
            predicted[r] = Labels.argmax(p, r, net.outputWidth());
        }
        return predicted;
    }

    private static float[] features(int width, List<LabelledRow> rows) {
        float[] x = new float[rows.size() * width];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r).features(), 0, x, r * width, width);
        }
        return x;
    }

    /** One partition's {@link RegressionSums}: every model's errors in the target's own units. */
    private static double[][] scoreRegression(Iterator<LabelledRow> it, List<Candidate> candidates, int batchSize) {
        List<RowPredictor> nets = open(candidates);
        try {
            return regressionSums(it, candidates, nets, batchSize);
        } finally {
            nets.forEach(RowPredictor::close);
        }
    }

    private static double[][] regressionSums(
            Iterator<LabelledRow> it, List<Candidate> candidates, List<RowPredictor> nets, int batchSize) {
        int n = candidates.size();
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
                    // In the target's own units: the runtime inverts this model's own target normaliser.
                    float[] out = nets.get(m).predictRows(features(nets.get(m).inputWidth(), batch), batch.size());
                    if (out.length != actual.length) {
                        throw new DataFormatException(c.name() + " returns " + out.length / actual.length
                                + " values per row; the retrain gate compares models with one regression target");
                    }
                    predicted[m] = new double[out.length];
                    for (int r = 0; r < out.length; r++) {
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
