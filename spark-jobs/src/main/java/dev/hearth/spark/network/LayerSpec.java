package dev.hearth.spark.network;

import java.util.List;

/**
 * One hidden layer of a network spec.
 *
 * @param type {@code dense}, {@code conv}, {@code pool} or {@code dropout}
 * @param units output units (dense)
 * @param filters output channels (conv)
 * @param kernel kernel height and width (conv, pool)
 * @param stride stride height and width (conv, pool)
 * @param pooling {@code max} or {@code avg} (pool)
 * @param activation activation (dense, conv)
 * @param dropout drop probability applied to the layer's input (dense, conv), or the rate of a dropout layer
 */
public record LayerSpec(
        String type,
        int units,
        int filters,
        List<Integer> kernel,
        List<Integer> stride,
        String pooling,
        String activation,
        double dropout) {}
