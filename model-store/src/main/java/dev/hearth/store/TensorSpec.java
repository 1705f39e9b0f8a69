package dev.hearth.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One named tensor a model takes or returns, as stored in its signature: the Open Inference Protocol datatype and
 * the shape, where {@code -1} marks a dynamic axis (usually the batch axis, first).
 *
 * @param name tensor name as requests and responses use it (for ONNX, the graph's own input/output name)
 * @param datatype one of {@code FP32}, {@code FP64}, {@code INT32}, {@code INT64}
 * @param shape dimensions, each {@code >= 1} or {@code -1} for dynamic
 */
public record TensorSpec(String name, String datatype, List<Long> shape) {
    /** The datatypes Hearth stores, serves and scores. */
    public static final Set<String> DATATYPES = Set.of("FP32", "FP64", "INT32", "INT64");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:/-]{1,128}");

    @JsonCreator
    public TensorSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("tensor name '" + name + "' must match " + NAME.pattern());
        }
        datatype = datatype == null ? null : datatype.toUpperCase(Locale.ROOT);
        if (!DATATYPES.contains(datatype)) {
            throw new IllegalArgumentException("datatype of tensor '" + name + "' must be one of [FP32, FP64, INT32, "
                    + "INT64] but was '" + datatype + "'");
        }
        if (shape == null || shape.isEmpty() || shape.size() > 8) {
            throw new IllegalArgumentException(
                    "shape of tensor '" + name + "' must have 1 to 8 dimensions but was " + shape);
        }
        for (Long d : shape) {
            if (d == null || (d < 1 && d != -1)) {
                throw new IllegalArgumentException("every dimension of tensor '" + name + "' must be >= 1 or -1 "
                        + "(dynamic) but shape was " + shape);
            }
        }
        shape = List.copyOf(shape);
    }

    /** A tensor of {@code FP32} rows of {@code width} values with a dynamic batch axis: {@code [-1, width]}. */
    public static TensorSpec rows(String name, int width) {
        return new TensorSpec(name, "FP32", List.of(-1L, (long) width));
    }

    /** Whether the first axis is dynamic, so requests can be batched along it. */
    public boolean batchable() {
        return shape.get(0) == -1L;
    }
}
