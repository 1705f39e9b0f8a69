package dev.hearth.spark.engine.fused;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/** Dropout masks from a seeded {@link SplittableRandom}: reproducible per seed, nothing allocated per mask. */
public final class SeededDropoutMasks implements DropoutMasks {
    private SplittableRandom random;

    /** Masks drawn from {@code seed}. */
    public SeededDropoutMasks(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Restarts the masks from {@code seed}: a trainer reused across rounds draws each round's masks afresh. */
    public void reseed(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public void fill(FloatBuffer mask, int n, double retain) {
        float kept = (float) (1.0 / retain);
        for (int i = 0; i < n; i++) {
            mask.put(i, random.nextDouble() < retain ? kept : 0f);
        }
    }
}
