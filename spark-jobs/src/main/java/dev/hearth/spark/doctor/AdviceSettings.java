package dev.hearth.spark.doctor;

import dev.hearth.config.Settings;
import dev.hearth.config.SettingsException;
import dev.hearth.spark.network.NetworkSpec;
import dev.hearth.spark.training.NetworkSpecResolver;
import dev.hearth.spark.training.TrainSettings;
import org.apache.hadoop.conf.Configuration;

/**
 * Turns a job's training settings ({@code conf/train.properties} &lt; {@code --config} &lt; {@code --set}) and the
 * doctor's options into what {@link TrainingAdvisor} measures: the job's network ({@code network.config}, else the
 * dense network of {@code network.*}), its batch size and averaging frequency, and the feature count from
 * {@code --features}, else the network's input shape, else {@code data.feature.count}, else {@link #DEFAULT_FEATURES}.
 */
public final class AdviceSettings {
    /** Inputs of the synthetic examples when nothing says otherwise (a 28x28 image, as Fashion-MNIST). */
    public static final int DEFAULT_FEATURES = 784;

    private AdviceSettings() {}

    /**
     * The request, refusing bad values with the field, the value and the rule.
     *
     * @param features {@code --features}, or null
     * @param classes {@code --classes} (ignored for a regression head)
     * @param rounds measured rounds per worker count
     * @param workers cores to measure with; 0 = decide later (validation only)
     */
    public static TrainingAdvisor.Request request(
            Settings settings, Configuration hadoop, Integer features, int classes, int rounds, int workers) {
        NetworkSpec spec = NetworkSpecResolver.resolve(settings, hadoop);
        int inputs = features != null
                ? features
                : !spec.input().isEmpty()
                        ? spec.inputSize()
                        : settings.getInt(TrainSettings.DATA_FEATURE_COUNT) > 0
                                ? settings.getInt(TrainSettings.DATA_FEATURE_COUNT)
                                : DEFAULT_FEATURES;
        if (features != null && !spec.input().isEmpty() && features != spec.inputSize()) {
            throw new SettingsException("--features = " + features + " does not match the network's input shape "
                    + spec.input() + " (" + spec.inputSize() + " values): leave --features out or make them agree");
        }
        String name = settings.isSet(TrainSettings.NETWORK_CONFIG)
                ? settings.get(TrainSettings.NETWORK_CONFIG)
                : "dense network " + TrainSettings.NETWORK_HIDDEN + "=" + settings.get(TrainSettings.NETWORK_HIDDEN);
        return new TrainingAdvisor.Request(
                spec,
                name,
                inputs,
                spec.isClassification() ? classes : 1,
                settings.getInt(TrainSettings.TRAIN_BATCH_SIZE),
                settings.getInt(TrainSettings.TRAIN_AVERAGING_FREQUENCY),
                rounds,
                Math.max(1, workers));
    }

    /** The cores to measure with: {@code train.workers}, or every core Spark offers when it is 0. */
    public static int workers(Settings settings, int defaultParallelism) {
        int configured = settings.getInt(TrainSettings.TRAIN_WORKERS, 0);
        return configured > 0 ? configured : Math.max(1, defaultParallelism);
    }
}
