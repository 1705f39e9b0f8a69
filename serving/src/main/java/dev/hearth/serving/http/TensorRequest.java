package dev.hearth.serving.http;

import dev.hearth.runtime.Tensor;
import java.util.List;
import java.util.Map;

/**
 * A validated Open Inference Protocol v2 request for a model with named tensor inputs (a tensor signature, such
 * as most imported ONNX graphs).
 *
 * @param id request id to echo, or null
 * @param inputs every input of the model by name, of its declared datatype and a shape that fits its spec
 * @param rows size of the first input's first axis (for the access log)
 * @param outputs requested output names (tensor outputs and {@code label}); empty means all
 */
public record TensorRequest(String id, Map<String, Tensor> inputs, int rows, List<String> outputs) {}
