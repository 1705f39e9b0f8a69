package dev.hearth.spark.network;

import dev.hearth.config.Choice;

/** The kind of a hidden layer in a spec file ({@code type: dense}). */
public enum LayerType implements Choice {
    /** Fully connected. */
    DENSE,
    /** 2-D convolution (needs an image input). */
    CONV,
    /** 2-D pooling (needs an image input). */
    POOL,
    /** Dropout of its input. */
    DROPOUT;

    /** Whether the layer needs an image ({@code [channels, height, width]}) input. */
    public boolean needsImage() {
        return this == CONV || this == POOL;
    }
}
