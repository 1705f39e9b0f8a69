package dev.hearth.bench;

import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The fleet benchmark's model and rows: a 16-32-3 classifier published as versions 1-3 (seeds 1-3) and a version 4
 * that disagrees with version 3 on a known share of the rows (the shadow), with the aliases the phases move.
 */
final class FleetModels {
    static final int FEATURES = 16;

    private FleetModels() {}

    /** 256 seeded rows of {@link #FEATURES} values in [0, 10). */
    static float[][] rows() {
        Random random = new Random(1);
        float[][] rows = new float[256][FEATURES];
        for (float[] r : rows) {
            for (int i = 0; i < FEATURES; i++) {
                r[i] = random.nextFloat() * 10;
            }
        }
        return rows;
    }

    static MultiLayerNetwork network(long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(FEATURES)
                        .nOut(32)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(32)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
        net.init();
        return net;
    }

    /**
     * Publishes versions 1-3 and {@code v4}, then points production at 1, canary at 3 and shadow at 4.
     */
    static void publishVersions(HadoopModelStore store, MultiLayerNetwork v4) {
        for (int v = 1; v <= 3; v++) {
            publish(store, network(v));
        }
        publish(store, v4);
        store.setAlias(FleetBench.MODEL, "production", 1, null, "bench");
        store.setAlias(FleetBench.MODEL, "canary", 3, null, "bench");
        store.setAlias(FleetBench.MODEL, "shadow", 4, null, "bench");
    }

    private static void publish(HadoopModelStore store, MultiLayerNetwork net) {
        List<String> names = new ArrayList<>();
        double[] min = new double[FEATURES];
        double[] max = new double[FEATURES];
        for (int i = 0; i < FEATURES; i++) {
            names.add("f" + i);
            max[i] = 10;
        }
        Signature sig = new Signature(
                "input",
                "FP32",
                FEATURES,
                names,
                List.of("a", "b", "c"),
                new NormalizerSpec(NormalizerSpec.MINMAX, min, max, null, null));
        store.publish(
                FleetBench.MODEL,
                new ModelDraft(
                        ModelFiles.DL4J_MULTILAYER,
                        sig,
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        Map.of(ModelFiles.MODEL_FILE, out -> ModelSerializer.writeModel(net, out, false))));
    }

    /**
     * A copy of {@code net} whose output bias of one class is raised until the two agree on at most
     * {@code agreement} of {@code rows} (two random networks tend to agree on all rows or on none): the shadow
     * version with a known, non-trivial disagreement.
     */
    static MultiLayerNetwork disagreeing(MultiLayerNetwork net, float[][] rows, double agreement) {
        float[][] x = new float[rows.length][FEATURES];
        for (int r = 0; r < rows.length; r++) {
            for (int i = 0; i < FEATURES; i++) {
                x[r][i] = rows[r][i] / 10;
            }
        }
        org.nd4j.linalg.api.ndarray.INDArray p = net.output(Nd4j.create(x));
        int flips = (int) Math.ceil((1 - agreement) * rows.length);
        for (int k = 0; k < 3; k++) {
            List<Double> needed = biasShifts(p, rows.length, k);
            if (needed.size() < flips) {
                continue;
            }
            java.util.Collections.sort(needed);
            double delta =
                    (needed.get(flips - 1) + (flips < needed.size() ? needed.get(flips) : needed.get(flips - 1) + 0.01))
                            / 2;
            MultiLayerNetwork copy = net.clone();
            org.nd4j.linalg.api.ndarray.INDArray b = copy.getLayer(1).getParam("b");
            b.putScalar(k, b.getDouble(k) + delta);
            return copy;
        }
        throw new IllegalStateException("no bias shift makes the networks disagree on the bench rows");
    }

    /** Raising class k's output bias by d flips a row to k once log p_k + d > log p_max (softmax). */
    private static List<Double> biasShifts(org.nd4j.linalg.api.ndarray.INDArray p, int rows, int k) {
        List<Double> needed = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 3; c++) {
                best = Math.max(best, Math.log(p.getDouble(r, c)));
            }
            double gap = best - Math.log(p.getDouble(r, k));
            if (gap > 0) {
                needed.add(gap);
            }
        }
        return needed;
    }

    static int argmax(MultiLayerNetwork net, float[] row) {
        float[][] x = new float[1][FEATURES];
        for (int i = 0; i < FEATURES; i++) {
            x[0][i] = row[i] / 10;
        }
        return net.output(Nd4j.create(x)).argMax(1).getInt(0);
    }
}
