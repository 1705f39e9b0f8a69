package dev.hearth.runtime.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.runtime.PredictionException;
import dev.hearth.runtime.Tensor;
import dev.hearth.runtime.TensorType;
import dev.hearth.runtime.TestNetworks;
import dev.hearth.store.Signature;
import dev.hearth.store.TensorSpec;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** The DL4J predictor: normalisers applied inside, both forward passes agree, named tensors checked, close. */
class Dl4jPredictorTest {
    private static final float[] RAW = {1, 2, 3, 4, 9.5f, 0, 5, 2.5f, 0, 0, 0, 0};

    /** DL4J's own output on rows normalised by hand. */
    private static float[] expected(MultiLayerNetwork net, Signature sig, float[] raw, int rows) {
        float[] x = raw.clone();
        for (int r = 0; r < rows; r++) {
            sig.normalizer().apply(x, r * 4, 4);
        }
        return net.output(Nd4j.create(x, new long[] {rows, 4}, 'c'), false)
                .castTo(DataType.FLOAT)
                .data()
                .asFloat();
    }

    @Test
    void denseAndDl4jForwardPassesGiveTheSameProbabilitiesOnNormalisedFeatures() {
        MultiLayerNetwork network = TestNetworks.classifier(31);
        Signature sig = TestNetworks.classification();
        float[] byHand = expected(network, sig, RAW, 3);
        try (Dl4jPredictor dense = new Dl4jPredictor("iris/1", sig, network, true);
                Dl4jPredictor dl4j = new Dl4jPredictor("iris/1", sig, TestNetworks.classifier(31), false)) {
            assertThat(dense.usesDenseForwardPass()).isTrue();
            assertThat(dl4j.usesDenseForwardPass()).isFalse();
            float[] out = dl4j.predictRows(RAW, 3);
            assertThat(out).hasSize(9).containsExactly(byHand, Offset.offset(1e-6f));
            assertThat(dense.predictRows(RAW, 3)).containsExactly(out, Offset.offset(1e-5f));
            assertThat(RAW)
                    .as("the caller's rows are not normalised in place")
                    .containsExactly(1, 2, 3, 4, 9.5f, 0, 5, 2.5f, 0, 0, 0, 0);
        }
    }

    @Test
    void regressionOutputsComeBackInTheTargetsUnits() {
        MultiLayerNetwork network = TestNetworks.network(5, 1, false);
        Signature sig = TestNetworks.regression();
        float[] raw = expected(network, sig, RAW, 3);
        try (Dl4jPredictor p = new Dl4jPredictor("area/1", sig, network, true)) {
            float[] out = p.predictRows(RAW, 3);
            for (int r = 0; r < 3; r++) {
                assertThat(out[r]).isCloseTo(raw[r] * 20 + 100, Offset.offset(1e-3f));
            }
            assertThat(p.outputs()).containsExactly(TensorSpec.rows("area", 1));
        }
    }

    @Test
    void namedTensorsInAndOutAsServingNamesThem() {
        try (Dl4jPredictor p =
                new Dl4jPredictor("iris/1", TestNetworks.classification(), TestNetworks.classifier(31), true)) {
            assertThat(p.inputs()).containsExactly(new TensorSpec("input", "FP32", java.util.List.of(-1L, 4L)));
            assertThat(p.outputs()).containsExactly(TensorSpec.rows("probabilities", 3));
            Tensor x = new Tensor("input", TensorType.FP32, new long[] {3, 4}, FloatBuffer.wrap(RAW.clone()));
            Map<String, Tensor> out = p.predict(Map.of("input", x), Set.of());
            Tensor probabilities = out.get("probabilities");
            assertThat(probabilities.shape()).containsExactly(3, 3);
            float[] values = new float[9];
            ((FloatBuffer) probabilities.data()).get(values);
            assertThat(values).containsExactly(p.predictRows(RAW, 3));
            // A slice of a larger buffer is read from its position, not from the array's start.
            FloatBuffer slice = FloatBuffer.wrap(new float[16]).position(4);
            slice.put(RAW).position(4);
            assertThat(p.predict(
                                    Map.of("input", new Tensor("input", TensorType.FP32, new long[] {3, 4}, slice)),
                                    Set.of("probabilities"))
                            .get("probabilities")
                            .data())
                    .isEqualTo(FloatBuffer.wrap(values));
        }
    }

    @Test
    void badNamedTensorsAreTheCallersFaultAndNamed() {
        try (Dl4jPredictor p =
                new Dl4jPredictor("iris/1", TestNetworks.classification(), TestNetworks.classifier(31), false)) {
            Tensor x = new Tensor("input", TensorType.FP32, new long[] {1, 4}, FloatBuffer.allocate(4));
            assertBadInput(() -> p.predict(Map.of(), Set.of()), "input 'input' is missing; iris/1 takes [input]");
            assertBadInput(() -> p.predict(Map.of("input", x, "extra", x), Set.of()), "unknown input 'extra'");
            assertBadInput(
                    () -> p.predict(Map.of("input", x), Set.of("label")),
                    "unknown output 'label'; iris/1 returns [probabilities]");
            assertBadInput(
                    () -> p.predict(
                            Map.of(
                                    "input",
                                    new Tensor("input", TensorType.FP64, new long[] {1, 4}, DoubleBuffer.allocate(4))),
                            Set.of()),
                    "input 'input' must be FP32 but was FP64");
            assertBadInput(
                    () -> p.predict(
                            Map.of(
                                    "input",
                                    new Tensor("input", TensorType.FP32, new long[] {2, 2}, FloatBuffer.allocate(4))),
                            Set.of()),
                    "input 'input' must have shape [-1, 4] but had [2, 2]");
            assertBadInput(() -> p.predictRows(new float[5], 1), "expected 4 values but got 5");
        }
    }

    private static void assertBadInput(Runnable call, String message) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        PredictionException.class,
                        e -> assertThat(e.isBadInput()).isTrue())
                .hasMessageContaining(message);
    }

    @Test
    void closeFreesTheNetworkOnceAndLaterCallsFail() {
        MultiLayerNetwork network = TestNetworks.classifier(31);
        Dl4jPredictor p = new Dl4jPredictor("iris/1", TestNetworks.classification(), network, true);
        assertThat(p.offHeapBytes()).isEqualTo(network.numParams() * 4);
        p.close();
        p.close();
        assertThatThrownBy(() -> p.predictRows(new float[4], 1))
                .isInstanceOfSatisfying(
                        PredictionException.class,
                        e -> assertThat(e.isBadInput()).isFalse())
                .hasMessage("iris/1 is closed");
    }
}
