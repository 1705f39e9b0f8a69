package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.serving.TestServer;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A regression model served by a real server with a real client: a 10-16-1 network trained here (single JVM) on
 * the breast-cancer set's {@code worst_area} (143.9–4,254) with standardised features and target, published with
 * both normalisers. Answers must be in the target's units: the network's raw output times the stored std plus mean,
 * computed here by hand, on the dense fast path and on DL4J's own pass, batched or not.
 */
class RegressionServingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static TestServer server;
    private static MultiLayerNetwork network;
    private static float[][] rows;
    private static double[] truth;
    private static double mean;
    private static double std;
    private static NormalizerSpec features;

    @BeforeAll
    static void trainPublishAndServe() throws Exception {
        List<String> lines = Files.readAllLines(Path.of(RegressionServingTest.class
                .getResource("/dev/hearth/serving/tumour-area.csv")
                .toURI()));
        int n = lines.size() - 1;
        rows = new float[n][10];
        truth = new double[n];
        for (int r = 0; r < n; r++) {
            String[] f = lines.get(r + 1).split(",");
            for (int c = 0; c < 10; c++) {
                rows[r][c] = Float.parseFloat(f[c]);
            }
            truth[r] = Double.parseDouble(f[10]);
        }
        mean = java.util.Arrays.stream(truth).average().orElseThrow();
        std = Math.sqrt(
                java.util.Arrays.stream(truth).map(y -> (y - mean) * (y - mean)).sum() / n);
        double[] fm = new double[10];
        double[] fs = new double[10];
        for (int c = 0; c < 10; c++) {
            int col = c;
            fm[c] = java.util.Arrays.stream(rows)
                    .mapToDouble(x -> x[col])
                    .average()
                    .orElseThrow();
            fs[c] = Math.sqrt(java.util.Arrays.stream(rows)
                            .mapToDouble(x -> (x[col] - fm[col]) * (x[col] - fm[col]))
                            .sum()
                    / n);
        }
        features = new NormalizerSpec("standardize", null, null, fm, fs);
        NormalizerSpec target = new NormalizerSpec("standardize", null, null, new double[] {mean}, new double[] {std});

        network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.FLOAT)
                .updater(new Adam(0.01))
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(10)
                        .nOut(16)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nIn(16)
                        .nOut(1)
                        .activation(Activation.IDENTITY)
                        .build())
                .build());
        network.init();
        float[] x = normalised(rows);
        float[] y = new float[n];
        for (int r = 0; r < n; r++) {
            y[r] = (float) ((truth[r] - mean) / std);
        }
        DataSet data = new DataSet(Nd4j.create(x, new long[] {n, 10}, 'c'), Nd4j.create(y, new long[] {n, 1}, 'c'));
        for (int i = 0; i < 300; i++) {
            network.fit(data);
        }

        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        Signature sig = Signature.regression(
                "input",
                10,
                List.of(
                        "mean_radius",
                        "mean_texture",
                        "mean_perimeter",
                        "mean_area",
                        "mean_smoothness",
                        "mean_compactness",
                        "mean_concavity",
                        "mean_concave_points",
                        "mean_symmetry",
                        "mean_fractal_dimension"),
                features,
                List.of("worst_area"),
                target);
        store.publish(
                "area",
                new ModelDraft(
                        ModelFiles.DL4J_MULTILAYER,
                        sig,
                        Map.of("mse", 0.0),
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        Map.of(ModelFiles.MODEL_FILE, out -> ModelSerializer.writeModel(network, out, false))));
        server = TestServer.start(
                null,
                "store.root=" + store.root(),
                "auth.enabled=false",
                "serving.poll.interval.ms=0",
                "batching.max.delay.us=2000");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static float[] normalised(float[][] raw) {
        float[] x = new float[raw.length * 10];
        for (int r = 0; r < raw.length; r++) {
            System.arraycopy(raw[r], 0, x, r * 10, 10);
            features.apply(x, r * 10, 10);
        }
        return x;
    }

    /** The network's raw outputs for rows [from, to), mapped back by hand: value * std + mean. */
    private static double[] expected(int from, int to) {
        float[][] part = java.util.Arrays.copyOfRange(rows, from, to);
        double[] raw = network.output(Nd4j.create(normalised(part), new long[] {to - from, 10}, 'c'), false)
                .castTo(DataType.DOUBLE)
                .toDoubleVector();
        return java.util.Arrays.stream(raw).map(v -> v * std + mean).toArray();
    }

    private static String data(int from, int to) {
        StringBuilder b = new StringBuilder("[");
        for (int r = from; r < to; r++) {
            b.append(r > from ? "," : "").append(java.util.Arrays.toString(rows[r]));
        }
        return b.append(']').toString();
    }

    private static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static double[] v2(TestServer s, int from, int to) throws Exception {
        JsonNode body =
                ok(s.post("/v2/models/area/infer", TestServer.infer("q", "[" + (to - from) + ",10]", data(from, to))));
        assertThat(body.get("outputs")).hasSize(1);
        JsonNode out = body.get("outputs").get(0);
        assertThat(out.get("name").asText()).isEqualTo("worst_area");
        assertThat(out.get("datatype").asText()).isEqualTo("FP32");
        assertThat(out.get("shape").toString()).isEqualTo("[" + (to - from) + ",1]");
        return JSON.convertValue(out.get("data"), double[].class);
    }

    private static void assertInTargetUnits(double[] got, double[] want) {
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).isCloseTo(want[i], within(1e-4 * Math.max(1, Math.abs(want[i]))));
        }
    }

    @Test
    void oipV2AnswersInTheTargetsUnitsForEveryRow() throws Exception {
        int n = rows.length;
        double[] got = v2(server, 0, n);
        assertInTargetUnits(got, expected(0, n));
        double sse = 0;
        for (int r = 0; r < n; r++) {
            sse += (got[r] - truth[r]) * (got[r] - truth[r]);
        }
        // A trained model in px²: far better than the mean (R² > 0.8), errors of its own scale, not of 1.
        assertThat(1 - sse / (n * std * std)).isGreaterThan(0.8);
        assertThat(Math.sqrt(sse / n)).isBetween(10.0, std / 2);
    }

    @Test
    void v1PredictAnswersOneNumberPerRow() throws Exception {
        JsonNode body = ok(server.post("/v1/models/area:predict", "{\"instances\":" + data(3, 7) + "}"));
        assertThat(body.get("model_version").asText()).isEqualTo("1");
        JsonNode predictions = body.get("predictions");
        assertThat(predictions).hasSize(4);
        assertThat(predictions.get(0).isNumber()).isTrue();
        assertInTargetUnits(JSON.convertValue(predictions, double[].class), expected(3, 7));
    }

    @Test
    void metadataNamesTheValueOutputAndTheTarget() throws Exception {
        JsonNode body = ok(server.get("/v2/models/area"));
        assertThat(body.get("outputs"))
                .isEqualTo(JSON.readTree("[{\"name\":\"worst_area\",\"datatype\":\"FP32\",\"shape\":[-1,1]}]"));
        JsonNode p = body.get("parameters");
        assertThat(p.get("task").asText()).isEqualTo("regression");
        assertThat(p.get("targets").toString()).isEqualTo("[\"worst_area\"]");
        assertThat(p.get("target_normalizer").asText()).isEqualTo("standardize");
        assertThat(p.get("labels")).isEmpty();
    }

    @Test
    void outputSelectionKnowsTheRegressionOutput() throws Exception {
        String wanted = "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,10],\"datatype\":\"FP32\",\"data\":" + data(0, 1)
                + "}],\"outputs\":[{\"name\":\"%s\"}]}";
        JsonNode body = ok(server.post("/v2/models/area/infer", String.format(wanted, "worst_area")));
        assertThat(body.get("outputs").get(0).get("name").asText()).isEqualTo("worst_area");
        HttpResponse<String> bad = server.post("/v2/models/area/infer", String.format(wanted, "probabilities"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("error").asText())
                .isEqualTo("outputs[].name 'probabilities' is not" + " an output of the model (has 'worst_area')");
    }

    @Test
    void concurrentRequestsMergedIntoOnePassGetTheirOwnValues() throws Exception {
        List<CompletableFuture<double[]>> answers = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int from = i * 5;
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return v2(server, from, from + 1 + from % 3);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (int i = 0; i < answers.size(); i++) {
            int from = i * 5;
            assertInTargetUnits(answers.get(i).get(), expected(from, from + 1 + from % 3));
        }
    }

    @Test
    void dl4jsOwnForwardPassAnswersTheSame() throws Exception {
        try (TestServer plain = TestServer.start(
                null,
                "store.root=" + dir.resolve("store"),
                "auth.enabled=false",
                "serving.poll.interval.ms=0",
                "serving.dense.fast.path=false",
                "batching.enabled=false")) {
            double[] fast = v2(server, 100, 140);
            double[] dl4j = v2(plain, 100, 140);
            assertInTargetUnits(dl4j, expected(100, 140));
            assertInTargetUnits(fast, dl4j);
        }
    }
}
