package dev.hearth.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The header reader on files the protocol-buffers writer makes: every field read back; a file cut anywhere inside
 * a field is TRUNCATED (and at a field boundary lacks its opset); text, a zip and an empty file are NOT_ONNX; too new an opset or IR version is OPSET.
 */
class OnnxModelInfoTest {
    private static byte[] model(long ir, long opset) {
        OnnxGraphWriter g = new OnnxGraphWriter("g");
        g.input("x", 2)
                .constant("w", new float[] {1, 2, 3, 4}, 2, 2)
                .node("MatMul", List.of("x", "w"), "y", Map.of())
                .output("y", 2);
        byte[] bytes = g.model("1.0", 7, "doc", Map.of("k", "v"));
        if (ir == OnnxGraphWriter.IR_VERSION && opset == OnnxGraphWriter.OPSET) {
            return bytes;
        }
        // Same model with other numbers: rewrite the header fields.
        ProtoWriter w = new ProtoWriter()
                .integer(1, ir)
                .string(2, "hearth")
                .message(7, new ProtoWriter().string(2, "g"))
                .message(8, new ProtoWriter().string(1, "").integer(2, opset));
        return w.toByteArray();
    }

    @Test
    void readsEveryHeaderField() {
        OnnxModelInfo info = OnnxModelInfo.read(model(8, 13), "m.onnx");
        assertThat(info.irVersion()).isEqualTo(8);
        assertThat(info.producerName()).isEqualTo("hearth");
        assertThat(info.producerVersion()).isEqualTo("1.0");
        assertThat(info.modelVersion()).isEqualTo(7);
        assertThat(info.graphName()).isEqualTo("g");
        assertThat(info.opset()).isEqualTo(13);
        assertThat(info.opsets()).containsEntry("ai.onnx", 13L);
        assertThat(info.operators()).containsExactly("ai.onnx:MatMul");
        assertThat(info.metadata()).containsEntry("k", "v");
    }

    @Test
    void aFileCutInsideAFieldIsTruncated() {
        byte[] whole = model(8, 13);
        // Every cut is refused: inside a field it is truncated; at a field boundary the opset (written last) is
        // missing.
        int refusedAsTruncated = 0;
        for (int n = 1; n < whole.length; n++) {
            try {
                OnnxModelInfo.read(Arrays.copyOf(whole, n), "cut.onnx");
            } catch (OnnxModelException e) {
                assertThat(e.reason()).isIn(OnnxModelException.Reason.TRUNCATED, OnnxModelException.Reason.NOT_ONNX);
                assertThat(e.getMessage()).startsWith("cut.onnx ");
                refusedAsTruncated += e.reason() == OnnxModelException.Reason.TRUNCATED ? 1 : 0;
                continue;
            }
            throw new AssertionError("a file cut at " + n + " of " + whole.length + " bytes was read");
        }
        assertThat(refusedAsTruncated).isGreaterThan(whole.length / 2);
        assertThatThrownBy(() -> OnnxModelInfo.read(Arrays.copyOf(whole, whole.length - 1), "cut.onnx"))
                .hasMessageContaining("cut.onnx is truncated: ");
    }

    @Test
    void bytesThatAreNotOnnxAreRefused() {
        assertNotOnnx("sepal_length,sepal_width\n5.1,3.5\n".getBytes(StandardCharsets.US_ASCII));
        assertNotOnnx(new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0});
        assertNotOnnx(new byte[0]);
        // Valid protocol buffers, but no graph: not a model.
        assertNotOnnx(new ProtoWriter().integer(1, 8).string(2, "x").toByteArray());
    }

    private static void assertNotOnnx(byte[] bytes) {
        assertThatThrownBy(() -> OnnxModelInfo.read(bytes, "f.onnx"))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining("f.onnx is ")
                .hasMessageContaining("not an ONNX model")
                .satisfies(e ->
                        assertThat(((OnnxModelException) e).reason()).isEqualTo(OnnxModelException.Reason.NOT_ONNX));
    }

    @Test
    void newerOpsetOrIrVersionIsRefusedNamingBothNumbers() {
        assertThatThrownBy(() -> OnnxModelInfo.read(model(8, 22), "new.onnx"))
                .hasMessageContaining("new.onnx needs opset 22 but this ONNX Runtime runs opsets <= 21");
        assertThatThrownBy(() -> OnnxModelInfo.read(model(11, 13), "new.onnx"))
                .hasMessageContaining("new.onnx has IR version 11 but this ONNX Runtime reads IR versions <= 10");
        assertThat(OnnxModelInfo.read(model(10, 21), "edge.onnx").opset()).isEqualTo(21);
    }

    @Test
    void randomAndCorruptedBytesFailOnlyWithAnOnnxModelException() {
        java.util.Random random = new java.util.Random(17);
        byte[] whole = model(8, 13);
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes;
            if (i % 2 == 0) {
                bytes = new byte[random.nextInt(64)];
                random.nextBytes(bytes);
            } else {
                bytes = whole.clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            try {
                OnnxModelInfo.read(bytes, "fuzz.onnx");
            } catch (OnnxModelException expected) {
                assertThat(expected.getMessage()).startsWith("fuzz.onnx ");
            }
        }
    }
}
