package dev.hearth.spark.training;

import static dev.hearth.spark.training.TrainSettings.*;

import dev.hearth.config.Settings;
import dev.hearth.config.SettingsException;
import dev.hearth.spark.data.DataFormat;
import dev.hearth.spark.data.DatasetSpec;
import dev.hearth.spark.network.NetworkSpec;
import dev.hearth.store.ModelNames;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * The train job's settings, validated up front (before any data is read) into typed values; every error names
 * the key, the value and the rule.
 *
 * @param modelName validated model name
 * @param data the training input
 * @param validationPath separate validation input, or empty
 * @param testPath separate test input, or empty
 * @param validationFraction share of {@code data} held out for validation
 * @param testFraction share of {@code data} held out for testing
 * @param seed split and shuffle seed
 * @param normalizer normaliser kind
 * @param network the network spec
 * @param options engine options
 * @param epochs maximum epochs
 * @param patience early-stopping patience (0 = off)
 * @param checkpoint whether to checkpoint every epoch
 * @param warmStart model reference to initialise from, or empty
 * @param split how rows are assigned to splits
 */
public record TrainJobConfig(
        String modelName,
        DatasetSpec data,
        String validationPath,
        String testPath,
        double validationFraction,
        double testFraction,
        long seed,
        String normalizer,
        NetworkSpec network,
        TrainingOptions options,
        int epochs,
        int patience,
        boolean checkpoint,
        String warmStart,
        SplitOptions split) {

    /**
     * How rows are assigned to splits.
     *
     * @param stratified whether each class keeps its share in every split (resolved from {@code split.stratify})
     * @param keyColumn the column whose value decides a row's split, or empty for the row's content
     */
    public record SplitOptions(boolean stratified, String keyColumn) {}

    /** The {@code data.*} settings as a dataset spec (shared by train, evaluate and predict). */
    public static DatasetSpec dataset(Settings s) {
        String format = s.getEnum(DATA_FORMAT, DataFormat.class).word();
        String delimiter = s.get(DATA_DELIMITER).replace("\\t", "\t");
        if (delimiter.length() != 1) {
            throw new SettingsException(DATA_DELIMITER + " must be one character but was '" + delimiter + "'");
        }
        List<String> features = s.get(DATA_FEATURES).isEmpty()
                ? List.of()
                : Arrays.stream(s.get(DATA_FEATURES).split(","))
                        .map(String::strip)
                        .toList();
        return new DatasetSpec(
                s.require(DATA_PATH),
                format,
                s.get(DATA_LABEL_COLUMN),
                s.getBoolean(DATA_HEADER),
                delimiter.charAt(0),
                features,
                s.getBoolean(DATA_LIBSVM_ZERO_BASED),
                s.getInt(DATA_FEATURE_COUNT, 0),
                s.getEnum(DATA_ON_ERROR, TrainSettings.OnBadRow.class) == TrainSettings.OnBadRow.SKIP);
    }

    /** The regression target normaliser kind ({@code network.target.normalizer}): none or standardize. */
    public static String targetNormalizer(Settings s) {
        return s.getEnum(NETWORK_TARGET_NORMALIZER, TrainSettings.TargetNormalizer.class)
                .word();
    }

    /** Minibatch rows per worker ({@code train.batch.size.per.worker}); evaluate uses it for its passes too. */
    public static int batchSize(Settings s) {
        return s.getInt(TRAIN_BATCH_SIZE, 1);
    }

    /** Validates and converts the settings. */
    public static TrainJobConfig of(Settings s, Configuration hadoop) {
        String modelName = ModelNames.validate(MODEL_NAME, s.require(MODEL_NAME));
        s.require(DATA_LABEL_COLUMN);
        int epochs = s.getInt(TRAIN_EPOCHS, 1);
        int patience = s.getInt(TRAIN_PATIENCE, 0);
        long seed = s.getLong(SPLIT_SEED);
        TrainingOptions options = TrainingOptions.builder()
                .workers(s.getInt(TRAIN_WORKERS, 0))
                .batchSizePerWorker(batchSize(s))
                .averagingFrequency(s.getInt(TRAIN_AVERAGING_FREQUENCY, 1))
                .prefetchBatches(s.getInt(TRAIN_PREFETCH, 0))
                .approach(s.getEnum(TRAIN_APPROACH, TrainingOptions.Approach.class))
                .exportDirectory(s.get(TRAIN_EXPORT_DIR))
                .seed(seed)
                .stats(s.getBoolean(TRAIN_STATS))
                .build();
        String validationPath = s.get(DATA_VALIDATION_PATH);
        String testPath = s.get(DATA_TEST_PATH);
        double validationFraction = validationPath.isEmpty() ? s.getDouble(SPLIT_VALIDATION_FRACTION, 0, 0.9) : 0;
        double testFraction = testPath.isEmpty() ? s.getDouble(SPLIT_TEST_FRACTION, 0.001, 0.9) : 0;
        if (validationFraction + testFraction >= 0.95) {
            throw new SettingsException(SPLIT_VALIDATION_FRACTION + " + " + SPLIT_TEST_FRACTION
                    + " must leave at least 5% " + "for training but add up to " + (validationFraction + testFraction));
        }
        String normalizer =
                s.getEnum(NORMALIZER, TrainSettings.Normalizer.class).word();
        DatasetSpec data = dataset(s);
        targetNormalizer(s); // validated before any data is read; the pipeline fits it
        NetworkSpec network = NetworkSpecResolver.resolve(s, hadoop);
        return new TrainJobConfig(
                modelName,
                data,
                validationPath,
                testPath,
                validationFraction,
                testFraction,
                seed,
                normalizer,
                network,
                options,
                epochs,
                patience,
                s.getBoolean(TRAIN_CHECKPOINT),
                s.get(MODEL_WARM_START),
                splitOptions(s, network.isClassification()));
    }

    private static SplitOptions splitOptions(Settings s, boolean classification) {
        String key = s.get(SPLIT_KEY_COLUMN).strip();
        TrainSettings.Stratify stratify = s.getEnum(SPLIT_STRATIFY, TrainSettings.Stratify.class);
        if (stratify == TrainSettings.Stratify.TRUE && !classification) {
            throw new SettingsException(SPLIT_STRATIFY + "=true needs classes to stratify by, but the network has a "
                    + "regression head; use auto or false");
        }
        if (stratify == TrainSettings.Stratify.TRUE && !key.isEmpty()) {
            throw new SettingsException(SPLIT_STRATIFY + "=true cannot be combined with " + SPLIT_KEY_COLUMN + " '"
                    + key + "': rows sharing a key stay in one split whatever their class; use auto or false");
        }
        boolean stratified = switch (stratify) {
            case TRUE -> true;
            case FALSE -> false;
            case AUTO -> classification && key.isEmpty();
        };
        return new SplitOptions(stratified, key);
    }
}
