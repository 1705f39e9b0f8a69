package dev.hearth.serving.console;

import dev.hearth.runtime.TestNetworks;
import dev.hearth.serving.TestModels;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelStore;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A store for the console's tests, published through the store API with real (small, randomly initialised) DL4J
 * networks, metrics, provenance, learning-curve and confusion-matrix PNGs, aliases, a retrain rejection, and one
 * tag whose value is markup ({@link #XSS}).
 */
final class ConsoleStoreFixture {
    /** A tag value that must render as text. */
    static final String XSS = "<img src=x onerror=alert(1)>";

    private ConsoleStoreFixture() {}

    /** iris (3 versions, production → 1, staging → 2), digits (784 inputs, 1 version), wine (1 version). */
    static void publish(ModelStore store) {
        for (int v = 1; v <= 3; v++) {
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put("decision", v == 3 ? "rejected" : "promoted");
            if (v == 3) {
                tags.put("decision.reasons", "accuracy 0.61 < champion 0.70 + margin 0.01");
                tags.put("note", XSS);
            }
            Map<String, Object> provenance = new LinkedHashMap<>();
            provenance.put("dataset.sha256", v < 3 ? "ab12cd34" : "ef56ab78");
            provenance.put("dataset.uri", "file:/data/iris-v" + v + ".csv");
            provenance.put("sparkAppId", "local-17000000" + v);
            provenance.put("gitCommit", "0123abc" + v);
            if (v > 1) {
                provenance.put("parentVersion", v - 1);
            }
            if (v == 3) {
                provenance.put("retrain.decision", "rejected");
                provenance.put("retrain.champion", "iris/1");
                provenance.put(
                        "retrain.reasons",
                        List.of(
                                "accuracy 0.61 < champion 0.70 + margin 0.01",
                                "recall.c dropped 0.9000 -> 0.4000 (max drop 0.0500)"));
            }
            double acc = 0.6 + 0.05 * v;
            MultiLayerNetwork net = TestModels.network(v);
            store.publish(
                    "iris",
                    new ModelDraft(
                            ModelFiles.DL4J_MULTILAYER,
                            TestModels.signature(),
                            Map.ofEntries(
                                    Map.entry("accuracy", acc),
                                    Map.entry("f1", acc - 0.02),
                                    Map.entry("recall.a", 0.9),
                                    Map.entry("recall.b", 0.5 + 0.1 * v),
                                    Map.entry("recall.c", v == 3 ? 0.4 : 0.9),
                                    Map.entry("precision.a", 0.8),
                                    Map.entry("precision.b", 0.7),
                                    Map.entry("precision.c", 0.6),
                                    Map.entry("support.a", 10.0),
                                    Map.entry("support.b", 12.0),
                                    Map.entry("support.c", 8.0)),
                            Map.of(
                                    "network.layers",
                                    v == 3 ? "4-16-3" : "4-8-3",
                                    "train.epochs",
                                    String.valueOf(5 * v)),
                            provenance,
                            tags,
                            files(net, List.of("a", "b", "c"))));
        }
        store.setAlias("iris", "production", 1, null, "first release");
        store.setAlias("iris", "staging", 2, null, "candidate");
        store.recordEvent("iris", "retrain-rejected", 3, "retrain on [dt=2026-11-29] rejected: accuracy");
        List<String> digits = IntStream.range(0, 10).mapToObj(Integer::toString).toList();
        store.publish(
                "digits",
                new ModelDraft(
                        ModelFiles.DL4J_MULTILAYER,
                        new Signature(
                                "input",
                                "FP32",
                                784,
                                List.of(),
                                digits,
                                new NormalizerSpec("minmax", new double[784], filled(784, 255), null, null),
                                null,
                                null,
                                null),
                        Map.of("accuracy", 0.91),
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        files(digitNetwork(), digits)));
        store.publish(
                "wine",
                new ModelDraft(
                        ModelFiles.DL4J_MULTILAYER,
                        TestModels.signature(),
                        Map.of("accuracy", 0.8),
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        files(TestModels.network(9), List.of("a", "b", "c"))));
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static MultiLayerNetwork digitNetwork() {
        return TestNetworks.network(7, 784, 16, 10, true, null);
    }

    private static Map<String, ModelDraft.FileWriter> files(MultiLayerNetwork net, List<String> labels) {
        Map<String, ModelDraft.FileWriter> files = new LinkedHashMap<>();
        files.put(ModelFiles.MODEL_FILE, out -> ModelSerializer.writeModel(net, out, false));
        byte[] curve = learningCurve();
        byte[] confusion = confusion(labels.size());
        files.put("learning-curve.png", out -> out.write(curve));
        files.put("confusion-matrix.png", out -> out.write(confusion));
        return files;
    }

    private static byte[] learningCurve() {
        BufferedImage img = new BufferedImage(320, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 320, 200);
        g.setColor(new Color(0x1f6feb));
        g.setStroke(new BasicStroke(2));
        List<int[]> points = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            points.add(new int[] {20 + i * 30, (int) (180 - 160 * (1 - Math.exp(-i / 3.0)))});
        }
        for (int i = 1; i < points.size(); i++) {
            g.drawLine(points.get(i - 1)[0], points.get(i - 1)[1], points.get(i)[0], points.get(i)[1]);
        }
        g.dispose();
        return png(img);
    }

    private static byte[] confusion(int k) {
        BufferedImage img = new BufferedImage(40 * k, 40 * k, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < k; c++) {
                int shade = r == c ? 40 : 220;
                g.setColor(new Color(shade, shade, 255));
                g.fillRect(c * 40, r * 40, 40, 40);
            }
        }
        g.dispose();
        return png(img);
    }

    private static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
