package dev.hearth.spark.engine;

import dev.hearth.config.Settings;
import dev.hearth.spark.training.ParameterAveragingEngine;
import dev.hearth.spark.training.TrainSettings;
import dev.hearth.spark.training.TrainingEngine;

/** The {@link TrainingEngine} a job's settings ask for ({@code train.engine}). */
public final class TrainingEngines {
    private TrainingEngines() {}

    /**
     * {@code train.engine=hearth} (the default, chosen by the benchmark): {@link HearthEngine} with the fused dense
     * step where the network allows it; {@code dl4j}: DL4J's {@link ParameterAveragingEngine}.
     *
     * @throws dev.hearth.config.SettingsException when the value is neither
     */
    public static TrainingEngine of(Settings settings) {
        return switch (settings.getEnum(TrainSettings.TRAIN_ENGINE, TrainSettings.Engine.class)) {
            case HEARTH -> new HearthEngine(true);
            case DL4J -> new ParameterAveragingEngine();
        };
    }
}
