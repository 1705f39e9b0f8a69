package dev.hearth.spark.engine.fused;

import java.nio.FloatBuffer;

/**
 * Where the fused step's inverted-dropout masks come from: each value is {@code 1/retain} with probability
 * {@code retain} and 0 otherwise (DL4J's {@code Dropout}). An interface so parity tests can hand DL4J and the
 * fused step the same masks.
 */
public interface DropoutMasks {
    /** Fills {@code n} values of {@code mask} from index 0 for a layer input kept with probability {@code retain}. */
    void fill(FloatBuffer mask, int n, double retain);
}
