package dev.hearth.serving.client;

import java.util.Arrays;

/**
 * A named FP32 input tensor of an OIP v2 request: its shape and its values in row-major order.
 *
 * @param name the model's input name (Hearth's models call it {@code input})
 * @param shape dimensions, e.g. {@code [rows, width]}
 * @param data {@code product(shape)} values
 */
public record Tensor(String name, long[] shape, float[] data) {
    /** Checks that the name is set and the data fills the shape exactly. */
    public Tensor {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("tensor name must not be empty");
        }
        long size = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(
                        "tensor '" + name + "' shape " + Arrays.toString(shape) + " has a negative dimension");
            }
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "' shape " + Arrays.toString(shape) + " needs "
                    + size + " values but has " + data.length);
        }
    }

    /** An {@code [rows, width]} tensor of equally long rows. */
    public static Tensor ofRows(String name, float[][] rows) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("tensor '" + name + "' needs at least one row");
        }
        int width = rows[0].length;
        float[] flat = new float[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != width) {
                throw new IllegalArgumentException(
                        "tensor '" + name + "' row " + r + " has " + rows[r].length + " values but row 0 has " + width);
            }
            System.arraycopy(rows[r], 0, flat, r * width, width);
        }
        return new Tensor(name, new long[] {rows.length, width}, flat);
    }
}
