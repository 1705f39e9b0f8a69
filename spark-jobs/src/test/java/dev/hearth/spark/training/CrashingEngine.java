package dev.hearth.spark.training;

import dev.hearth.spark.data.EpochBatches;

/** Test engines whose driver "crashes" (throws) when it starts a given epoch, to test resuming from checkpoints. */
public final class CrashingEngine {
    private CrashingEngine() {}

    /** {@code real}, with a driver that throws when it starts epoch {@code crashAt}. */
    public static TrainingEngine at(TrainingEngine real, int crashAt) {
        return (sc, network, options) -> {
            TrainingEngine.Session s = real.open(sc, network, options);
            return new DelegatingSession(s) {
                private int epochs;

                @Override
                public EpochFit fitEpoch(EpochBatches train) {
                    if (++epochs == crashAt) {
                        throw new IllegalStateException("driver crashed in epoch " + crashAt);
                    }
                    return super.fitEpoch(train);
                }
            };
        };
    }
}
