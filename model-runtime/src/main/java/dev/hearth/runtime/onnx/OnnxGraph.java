package dev.hearth.runtime.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.hearth.store.TensorSpec;
import java.util.List;

/**
 * An ONNX model's header and the inputs and outputs ONNX Runtime reads from its graph (names, datatypes, shapes
 * with -1 for dynamic axes): what an import turns into a signature and provenance.
 *
 * @param info the model's header (producer, opsets, operators)
 * @param inputs the graph's inputs, initialisers excluded, in order
 * @param outputs the graph's outputs, in order
 */
public record OnnxGraph(OnnxModelInfo info, List<TensorSpec> inputs, List<TensorSpec> outputs) {
    public OnnxGraph {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /**
     * Reads {@code model}: its header, then its inputs and outputs from an ONNX Runtime session opened and closed
     * here (so an operator the runtime lacks is found now).
     *
     * @param what the file, named in errors
     * @throws OnnxModelException naming why the model cannot be used
     */
    public static OnnxGraph inspect(byte[] model, String what) {
        OnnxModelInfo info = OnnxModelInfo.read(model, what);
        OrtSession session = OnnxSessions.open(model, 1, what);
        try {
            return new OnnxGraph(info, OnnxSessions.inputs(session, what), OnnxSessions.outputs(session, what));
        } finally {
            try {
                session.close();
            } catch (OrtException e) {
                // Nothing ran on it; a failed close leaks at most what the session holds until the JVM ends.
            }
        }
    }
}
