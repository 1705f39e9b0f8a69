package dev.hearth.runtime;

import java.nio.Buffer;
import java.util.Arrays;

/**
 * A named dense tensor in row-major order: its element type, shape and the elements in a NIO buffer of the matching
 * type ({@link TensorType#bufferType()}), from the buffer's position to its limit. The record does not copy the
 * buffer or the shape array: whoever builds it hands both over.
 *
 * @param name tensor name
 * @param type element type
 * @param shape dimensions, all {@code >= 0}
 * @param data the elements; {@code data.remaining()} equals the product of {@code shape}
 */
public record Tensor(String name, TensorType type, long[] shape, Buffer data) {
    public Tensor {
        if (name == null || type == null || shape == null || data == null) {
            throw new IllegalArgumentException("a tensor needs a name, a type, a shape and data");
        }
        if (!type.bufferType().isInstance(data)) {
            throw new IllegalArgumentException("tensor '" + name + "' of type " + type + " must hold a "
                    + type.bufferType().getSimpleName() + " but holds a "
                    + data.getClass().getSimpleName());
        }
        long n = elementCount(shape, name);
        if (n != data.remaining()) {
            throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape) + " needs "
                    + n + " elements but has " + data.remaining());
        }
    }

    /** The number of elements a tensor of {@code shape} holds; an error names a negative or overflowing shape. */
    public static long elementCount(long[] shape, String name) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("every dimension of tensor '" + name
                        + "' must be >= 0 but shape was " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The number of elements. */
    public long elementCount() {
        return data.remaining();
    }
}
