package dev.hearth.spark;

import dev.hearth.spark.engine.TrainingEngines;
import dev.hearth.spark.training.TrainSettings;
import dev.hearth.spark.training.TrainingEngine;
import java.util.List;

/**
 * The engine {@code train.engine}'s default picks, built as the train job builds it: tests of behaviour every engine
 * shares (publish, provenance, resume, early stopping, bad input) train on it, so they follow the default; tests of
 * one engine's specifics construct that engine and pin {@code train.engine} in their settings.
 */
public final class DefaultEngine {
    private DefaultEngine() {}

    public static TrainingEngine get() {
        return TrainingEngines.of(TrainSettings.loader().load(null, List.of()));
    }
}
