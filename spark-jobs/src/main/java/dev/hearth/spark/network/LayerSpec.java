package dev.hearth.spark.network;

import java.util.List;

/**
 * One hidden layer of a network spec.
 *
 * @param type dense, conv, pool or dropout
 * @param units output units (dense)
 * @param filters output channels (conv)
 * @param kernel kernel height and width (conv, pool)
 * @param stride stride height and width (conv, pool)
 * @param pooling max or avg (pool), else null
 * @param activation activation (dense, conv), else null
 * @param dropout drop probability applied to the layer's input (dense, conv), or the rate of a dropout layer
 */
public record LayerSpec(
        LayerType type,
        int units,
        int filters,
        List<Integer> kernel,
        List<Integer> stride,
        Pooling pooling,
        HiddenActivation activation,
        double dropout) {
    public LayerSpec {
        kernel = List.copyOf(kernel);
        stride = List.copyOf(stride);
    }

    /** A dense layer of {@code units} outputs dropping {@code dropout} of its input. */
    public static LayerSpec dense(int units, HiddenActivation activation, double dropout) {
        return new LayerSpec(LayerType.DENSE, units, 0, List.of(), List.of(), null, activation, dropout);
    }

    /** A convolution of {@code filters} output channels. */
    public static LayerSpec conv(
            int filters, List<Integer> kernel, List<Integer> stride, HiddenActivation activation, double dropout) {
        return new LayerSpec(LayerType.CONV, 0, filters, kernel, stride, null, activation, dropout);
    }

    /** A pooling layer. */
    public static LayerSpec pool(Pooling pooling, List<Integer> kernel, List<Integer> stride) {
        return new LayerSpec(LayerType.POOL, 0, 0, kernel, stride, pooling, null, 0);
    }

    /** A dropout layer dropping {@code rate} of its input. */
    public static LayerSpec dropout(double rate) {
        return new LayerSpec(LayerType.DROPOUT, 0, 0, List.of(), List.of(), null, null, rate);
    }
}
