package dev.hearth.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.runtime.PredictionException;
import dev.hearth.runtime.Tensor;
import dev.hearth.runtime.TensorType;
import dev.hearth.store.Signature;
import dev.hearth.store.TensorSpec;
import java.io.ByteArrayInputStream;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Named-tensor OIP v2 requests read as they stream: inputs by name in any order and typed as declared, every
 * refusal naming the tensor, value and rule, and memory bounded by what arrived, never by what a request declares.
 */
class TensorRequestReaderTest {
    /** a: FP32 [-1, 1, 2, 2]; b: INT64 [-1, 2]; c: INT32 [3]; out: FP32 [-1, 3] labelled x, y, z. */
    private static final Signature SIGNATURE = Signature.tensors(
            List.of(
                    new TensorSpec("a", "FP32", List.of(-1L, 1L, 2L, 2L)),
                    new TensorSpec("b", "INT64", List.of(-1L, 2L)),
                    new TensorSpec("c", "INT32", List.of(3L))),
            List.of(new TensorSpec("out", "FP32", List.of(-1L, 3L))),
            List.of("x", "y", "z"),
            null,
            null,
            List.of());

    private static final InferenceRequestParser PARSER = new InferenceRequestParser(4);

    private static TensorRequest parse(String body, RequestBytes account) {
        return PARSER.parseTensors(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), SIGNATURE, account);
    }

    private static TensorRequest parse(String body) {
        return parse(body, new InFlight(1 << 20).account());
    }

    private static final String B =
            "{\"name\":\"b\",\"datatype\":\"INT64\",\"shape\":[1,2],\"data\":[9007199254740992,-3]}";
    private static final String C = "{\"data\":[1,2,-2147483648],\"shape\":[3],\"datatype\":\"INT32\",\"name\":\"c\"}";
    private static final String A =
            "{\"name\":\"a\",\"datatype\":\"FP32\",\"shape\":[1,1,2,2],\"data\":[[[[0.5,1],[2,3]]]]}";

    @Test
    void readsEveryInputByNameInAnyOrderTypedAsDeclared() {
        TensorRequest r =
                parse("{\"id\":\"7\",\"outputs\":[{\"name\":\"label\"}],\"inputs\":[" + C + "," + B + "," + A + "]}");
        assertThat(r.id()).isEqualTo("7");
        assertThat(r.outputs()).containsExactly("label");
        Tensor a = r.inputs().get("a");
        assertThat(a.type()).isEqualTo(TensorType.FP32);
        assertThat(a.shape()).containsExactly(1, 1, 2, 2);
        assertThat(((FloatBuffer) a.data()).get(3)).isEqualTo(3f);
        assertThat(((LongBuffer) r.inputs().get("b").data()).get(0)).isEqualTo(9007199254740992L);
        assertThat(((IntBuffer) r.inputs().get("c").data()).get(2)).isEqualTo(Integer.MIN_VALUE);
    }

    @Test
    void refusalsNameTheTensorTheValueAndTheRule() {
        assertBad("{\"inputs\":[" + A + "," + B + "]}", "input 'c' is missing; the model takes [a, b, c]");
        assertBad("{\"inputs\":[" + A + "," + B + "," + C + "," + C + "]}", "'inputs' has more tensors than the model");
        assertBad(
                "{\"inputs\":[" + A + "," + B + "," + C.replace("\"c\"", "\"d\"") + "]}",
                "inputs[2].name 'd' is not an input of the model; it takes [a, b, c]");
        assertBad(
                "{\"inputs\":[" + A + "," + B.replace("INT64", "INT32") + "," + C + "]}",
                "inputs[1] ('b').datatype must be INT64 as the model declares but was 'INT32'");
        assertBad(
                "{\"inputs\":[" + A.replace("[1,1,2,2]", "[1,2,2]") + "," + B + "," + C + "]}",
                "inputs[0] ('a').shape must be [-1, 1, 2, 2] (-1: any size >= 0) but was [1,2,2]");
        assertBad(
                "{\"inputs\":[" + A + "," + B + "," + C.replace("[3]", "[4]") + "]}",
                "inputs[2] ('c').shape[0] is 4 but the model takes 3");
        assertBad(
                "{\"inputs\":[" + A.replace("[1,1,2,2]", "[5,1,2,2]") + "," + B + "," + C + "]}",
                "inputs[0] ('a').shape[0] (rows) is 5 but must be between 1 and 4 (server.max.rows)");
        assertBad(
                "{\"inputs\":[" + A.replace("[[[[0.5,1],[2,3]]]]", "[0.5,1,2]") + "," + B + "," + C + "]}",
                "inputs[0] ('a').data has 3 values but shape [1,1,2,2] needs 4");
        assertBad(
                "{\"inputs\":[" + A + "," + B.replace("-3", "-3.5") + "," + C + "]}",
                "inputs[1] ('b').data[1] must be an integer for an INT datatype but was -3.5");
        assertBad(
                "{\"inputs\":[" + A + "," + B.replace("9007199254740992", "9007199254740994") + "," + C + "]}",
                "inputs[1] ('b').data[0] must be within ±2^53");
        assertBad(
                "{\"inputs\":[" + A + "," + B + "," + C.replace("-2147483648", "2147483648") + "]}",
                "inputs[2] ('c').data[2] is 2147483648 but INT32 holds");
        assertBad(
                "{\"inputs\":[" + A.replace("0.5", "\"x\"") + "," + B + "," + C + "]}",
                "inputs[0] ('a').data[0] must be a number but was \"x\"");
        assertBad(
                "{\"inputs\":[" + A + "," + B + "," + C + "],\"outputs\":[{\"name\":\"probabilities\"}]}",
                "outputs[].name 'probabilities' is not an output of the model (has [out, label])");
        assertBad("{\"inputs\":[]}", "'inputs' must be a non-empty array of tensors; the model takes [a, b, c]");
    }

    @Test
    void aDeclaredShapeAllocatesNothingOnlyArrivedValuesAre() {
        // A shape bomb: 2^31 items declared, three values sent; and values sent before any name or shape.
        RequestBytes account = new InFlight(1 << 20).account();
        assertThatThrownBy(() -> parse(
                        "{\"inputs\":[{\"data\":[1,2,3],\"name\":\"a\",\"datatype\":\"FP32\","
                                + "\"shape\":[2147483647,1,2,2]}]}",
                        account))
                .isInstanceOf(BadRequestException.class);
        assertThat(account.peak()).isLessThan(4096);
        // More values than the row limit allows for the input are counted, not stored.
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            many.append(i == 0 ? "" : ",").append(i % 7);
        }
        RequestBytes second = new InFlight(1 << 20).account();
        assertThatThrownBy(() ->
                        parse("{\"inputs\":[{\"name\":\"b\",\"data\":[" + many + "]}," + A + "," + C + "]}", second))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("inputs[0] ('b').datatype must be a string but was absent");
        // b takes at most 4 rows of 2: 8 values stored, whatever arrives.
        assertThat(second.peak()).isLessThan(4096);
    }

    @Test
    void aBadInputFromTheRuntimeIsA400AndAModelFailureA500() {
        assertThat(ErrorMapper.status(new PredictionException("input 'a' must be FP32", true)))
                .isEqualTo(400);
        assertThat(ErrorMapper.status(new PredictionException("ONNX Runtime failed", false)))
                .isEqualTo(500);
    }

    private static void assertBad(String body, String message) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining(message);
    }
}
