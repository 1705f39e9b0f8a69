package dev.hearth.spark.training;

import dev.hearth.config.Choice;
import dev.hearth.config.Rule;
import dev.hearth.config.Setting;
import dev.hearth.config.SettingsLoader;
import dev.hearth.spark.data.DataFormat;
import dev.hearth.spark.network.Head;
import dev.hearth.spark.network.HiddenActivation;
import dev.hearth.spark.network.Updater;
import dev.hearth.store.crypto.EncryptionSettings;
import java.util.List;

/** Every setting of the {@code train}, {@code evaluate} and {@code predict} jobs with its default; {@code conf/train.properties} documents the same. */
public final class TrainSettings {
    /** {@code train.engine}: DL4J's parameter averaging, or Hearth's own engine ({@code TrainingEngines} builds it). */
    public enum Engine implements Choice {
        DL4J,
        HEARTH
    }

    /** {@code data.on.error}: what a bad row does to the job. */
    public enum OnBadRow implements Choice {
        /** The job fails, naming the row. */
        FAIL,
        /** The row is skipped and counted. */
        SKIP
    }

    /** {@code train.warm.start.schedule}: the learning-rate schedule of a warm start. */
    public enum WarmStartSchedule implements Choice {
        /** From the start model's iteration and epoch counts. */
        CONTINUE,
        /** From 0. */
        RESTART
    }

    /** {@code normalizer}: the feature normalisation fitted on the training split. */
    public enum Normalizer implements Choice {
        /** Features as they are. */
        NONE,
        /** Scaled to [0, 1] by the training split's minimum and maximum. */
        MINMAX,
        /** Centred and scaled by the training split's mean and standard deviation. */
        STANDARDIZE
    }

    /** {@code network.target.normalizer}: the regression target's scaling. */
    public enum TargetNormalizer implements Choice {
        /** Targets as they are. */
        NONE,
        /** Centred and scaled by the training split's mean and standard deviation. */
        STANDARDIZE
    }

    /** {@code split.stratify}: whether each class keeps its share in every split. */
    public enum Stratify implements Choice {
        /** Stratified for classification without {@code split.key.column}, otherwise not. */
        AUTO,
        /** Always (classification only, without {@code split.key.column}). */
        TRUE,
        /** Never. */
        FALSE
    }

    /** {@code predict.output.format}: how the predict job writes its scored rows. */
    public enum PredictFormat implements Choice {
        PARQUET,
        CSV
    }

    public static final String DATA_PATH = "data.path";
    public static final String DATA_FORMAT = "data.format";
    public static final String DATA_LABEL_COLUMN = "data.label.column";
    public static final String DATA_FEATURES = "data.features";
    public static final String DATA_HEADER = "data.header";
    public static final String DATA_DELIMITER = "data.delimiter";
    public static final String DATA_LIBSVM_ZERO_BASED = "data.libsvm.zero.based";
    public static final String DATA_FEATURE_COUNT = "data.feature.count";
    public static final String DATA_ON_ERROR = "data.on.error";
    public static final String DATA_VALIDATION_PATH = "data.validation.path";
    public static final String DATA_TEST_PATH = "data.test.path";
    public static final String SPLIT_VALIDATION_FRACTION = "split.validation.fraction";
    public static final String SPLIT_TEST_FRACTION = "split.test.fraction";
    public static final String SPLIT_SEED = "split.seed";
    public static final String SPLIT_STRATIFY = "split.stratify";
    public static final String SPLIT_KEY_COLUMN = "split.key.column";
    public static final String NORMALIZER = "normalizer";
    public static final String NETWORK_CONFIG = "network.config";
    public static final String NETWORK_HEAD = "network.head";
    public static final String NETWORK_TARGET_NORMALIZER = "network.target.normalizer";
    public static final String NETWORK_INPUT_SHAPE = "network.input.shape";
    public static final String NETWORK_HIDDEN = "network.hidden";
    public static final String NETWORK_ACTIVATION = "network.activation";
    public static final String NETWORK_DROPOUT = "network.dropout";
    public static final String NETWORK_UPDATER = "network.updater";
    public static final String NETWORK_LEARNING_RATE = "network.learning.rate";
    public static final String NETWORK_L2 = "network.l2";
    public static final String NETWORK_SEED = "network.seed";
    public static final String TRAIN_EPOCHS = "train.epochs";
    public static final String TRAIN_PATIENCE = "train.early.stopping.patience";
    public static final String TRAIN_WORKERS = "train.workers";
    public static final String TRAIN_BATCH_SIZE = "train.batch.size.per.worker";
    public static final String TRAIN_AVERAGING_FREQUENCY = "train.averaging.frequency";
    public static final String TRAIN_PREFETCH = "train.prefetch.batches";
    public static final String TRAIN_APPROACH = "train.approach";
    public static final String TRAIN_EXPORT_DIR = "train.export.dir";
    public static final String TRAIN_STATS = "train.stats";
    public static final String TRAIN_CHECKPOINT = "train.checkpoint";
    public static final String TRAIN_CLASS_WEIGHTS = "train.class.weights";
    public static final String TRAIN_IMBALANCE_WARN_RATIO = "train.class.imbalance.warn.ratio";
    public static final String TRAIN_WARM_START_SCHEDULE = "train.warm.start.schedule";
    public static final String TRAIN_ENGINE = "train.engine";
    public static final String MODEL_NAME = "model.name";
    public static final String MODEL_WARM_START = "model.warm.start";
    public static final String STORE_ROOT = "store.root";
    public static final String PREDICT_OUTPUT = "predict.output.path";
    public static final String PREDICT_FORMAT = "predict.output.format";
    public static final String PREDICT_BATCH_ROWS = "predict.batch.rows";

    /** The declared settings, in the order {@code conf/train.properties} lists them. */
    public static final List<Setting> ALL = List.of(
            new Setting(
                    DATA_PATH, "", "labelled data: a file or directory on any Hadoop path (file://, hdfs://, s3a://)"),
            Setting.choice(
                    DATA_FORMAT,
                    DataFormat.CSV,
                    DataFormat.class,
                    "input format: csv (plain or .gz), libsvm, or parquet"),
            new Setting(
                    DATA_LABEL_COLUMN,
                    "label",
                    "label column: a header/column name, or a 0-based index for CSV without header"),
            new Setting(
                    DATA_FEATURES,
                    "",
                    "feature columns, comma-separated (CSV/Parquet); empty = all but the label; one Parquet array/vector column is flattened"),
            new Setting(DATA_HEADER, "true", "CSV: whether files start with a header line", Rule.flag()),
            new Setting(DATA_DELIMITER, ",", "CSV: field delimiter (one character)"),
            new Setting(
                    DATA_LIBSVM_ZERO_BASED,
                    "false",
                    "LibSVM: whether feature indices start at 0 (default: 1-based)",
                    Rule.flag()),
            new Setting(
                    DATA_FEATURE_COUNT,
                    "0",
                    "LibSVM: number of features; 0 = the largest index in the data",
                    Rule.atLeast(0)),
            Setting.choice(
                    DATA_ON_ERROR,
                    OnBadRow.FAIL,
                    OnBadRow.class,
                    "bad rows (wrong field count, non-numeric, NaN/Inf, missing label): fail, or skip and count"),
            new Setting(
                    DATA_VALIDATION_PATH, "", "separate validation data (same format); empty = split from data.path"),
            new Setting(DATA_TEST_PATH, "", "separate test data (same format); empty = split from data.path"),
            Setting.number(
                    SPLIT_VALIDATION_FRACTION,
                    "0.1",
                    0,
                    0.9,
                    "fraction of data.path held out for per-epoch validation (0 = none)"),
            Setting.number(
                    SPLIT_TEST_FRACTION,
                    "0.2",
                    0,
                    0.9,
                    "fraction of data.path held out for the final test evaluation (at least 0.001 without data.test.path)"),
            new Setting(
                    SPLIT_SEED,
                    "42",
                    "seed of the splits and of the training shuffle (epoch e shuffles with seed and e)",
                    Rule.integer()),
            Setting.choice(
                    SPLIT_STRATIFY,
                    Stratify.AUTO,
                    Stratify.class,
                    "keep each class's share in every split (per-class hash quantiles, at least one training row per class): true, false, or auto (true for classification without split.key.column)"),
            new Setting(
                    SPLIT_KEY_COLUMN,
                    "",
                    "column whose value decides a row's split, so rows sharing it (a user, a session) stay together; empty = hash the row's label and features"),
            Setting.choice(
                    NORMALIZER,
                    Normalizer.MINMAX,
                    Normalizer.class,
                    "feature normalisation fitted on the training split: none, minmax or standardize"),
            new Setting(
                    NETWORK_CONFIG,
                    "",
                    "network spec file (YAML or JSON, see conf/networks/); empty = a dense network from the network.* settings below"),
            Setting.choice(
                    NETWORK_HEAD,
                    Head.CLASSIFICATION,
                    Head.class,
                    "output head: classification (softmax) or regression (identity + MSE)"),
            Setting.choice(
                    NETWORK_TARGET_NORMALIZER,
                    TargetNormalizer.STANDARDIZE,
                    TargetNormalizer.class,
                    "regression: target scaling fitted on the training split, none or standardize; predictions and metrics are in the target's own units"),
            new Setting(
                    NETWORK_INPUT_SHAPE,
                    "",
                    "input shape, e.g. 1,28,28 for image rows (channels,height,width); empty = flat features",
                    Rule.positiveIntegers()),
            new Setting(
                    NETWORK_HIDDEN,
                    "256",
                    "hidden dense layer sizes, comma-separated (e.g. 256,128)",
                    Rule.positiveIntegers()),
            Setting.choice(
                    NETWORK_ACTIVATION,
                    HiddenActivation.RELU,
                    HiddenActivation.class,
                    HiddenActivation.SETTING,
                    "activation of hidden layers: relu, tanh, sigmoid, leakyrelu, elu"),
            Setting.number(NETWORK_DROPOUT, "0.0", 0, 0.99, "drop probability on the input of each hidden layer"),
            Setting.choice(NETWORK_UPDATER, Updater.ADAM, Updater.class, "optimiser: adam, sgd or nesterovs"),
            Setting.number(NETWORK_LEARNING_RATE, "0.001", 1e-9, 10, "learning rate of the optimiser"),
            Setting.number(NETWORK_L2, "0.0", 0, 10, "L2 weight regularisation"),
            new Setting(NETWORK_SEED, "12345", "seed of weight initialisation", Rule.integer()),
            new Setting(TRAIN_EPOCHS, "3", "maximum passes over the training split", Rule.atLeast(1)),
            new Setting(
                    TRAIN_PATIENCE,
                    "0",
                    "stop after this many epochs without a better validation metric (0 = never); the best epoch is kept",
                    Rule.atLeast(0)),
            new Setting(
                    TRAIN_WORKERS,
                    "0",
                    "training workers (parallel model replicas); 0 = Spark's default parallelism (total executor cores)",
                    Rule.atLeast(0)),
            new Setting(TRAIN_BATCH_SIZE, "64", "minibatch size each worker fits", Rule.atLeast(1)),
            new Setting(
                    TRAIN_AVERAGING_FREQUENCY,
                    "20",
                    "the most minibatches each worker fits between parameter averaging rounds",
                    Rule.atLeast(1)),
            new Setting(
                    TRAIN_PREFETCH,
                    "2",
                    "train.engine=dl4j only: minibatches each worker prefetches asynchronously (0 = off)",
                    Rule.atLeast(0)),
            Setting.choice(
                    TRAIN_APPROACH,
                    TrainingOptions.Approach.AUTO,
                    TrainingOptions.Approach.class,
                    "train.engine=dl4j only: how workers read minibatches: export (files on the default FS), direct (RDD), or auto (export when the default FS is shared)"),
            new Setting(
                    TRAIN_EXPORT_DIR,
                    "",
                    "train.engine=dl4j only: directory for exported minibatches (default: a temp dir on the default FS); each epoch's files are deleted after the epoch"),
            new Setting(
                    TRAIN_STATS,
                    "false",
                    "record where each epoch's averaging rounds spend their time and log the breakdown (compute, data, broadcast, Spark overhead)",
                    Rule.flag()),
            new Setting(
                    TRAIN_CHECKPOINT,
                    "true",
                    "checkpoint after every epoch into the store's staging area (needed for --resume)",
                    Rule.flag()),
            new Setting(
                    TRAIN_CLASS_WEIGHTS,
                    "none",
                    "class weights in the loss: none, auto (each class weighs the same in total: rows / (classes x class rows)) or label:weight,... (unlisted classes weigh 1)"),
            Setting.number(
                    TRAIN_IMBALANCE_WARN_RATIO,
                    "10",
                    1,
                    Double.MAX_VALUE,
                    "warn when the largest class of the training split has more than this many times the rows of the smallest (class counts are always logged)"),
            Setting.choice(
                    TRAIN_WARM_START_SCHEDULE,
                    WarmStartSchedule.CONTINUE,
                    WarmStartSchedule.class,
                    "warm start: continue the learning-rate schedule from the start model's iteration and epoch counts, or restart it at 0"),
            Setting.choice(
                    TRAIN_ENGINE,
                    Engine.HEARTH,
                    Engine.class,
                    "training engine: hearth (one Spark job per averaging round, fused dense step on the workers where the network allows; the default: 3.5x dl4j's examples/s at equal test accuracy in bench/RESULTS.md) or dl4j (DL4J's ParameterAveragingTrainingMaster, still selectable)"),
            new Setting(MODEL_NAME, "", "name the trained model is published under"),
            new Setting(
                    MODEL_WARM_START,
                    "",
                    "initialise from a stored model of the same architecture: name, name/N or name@alias"),
            new Setting(STORE_ROOT, "${user.home}/.hearth/store", "model store root: a local path or a Hadoop URI"),
            // Encryption at rest (dev.hearth.store.crypto): shared by every module that opens the store.
            EncryptionSettings.ALL.get(0),
            EncryptionSettings.ALL.get(1),
            EncryptionSettings.ALL.get(2),
            new Setting(
                    PREDICT_OUTPUT, "", "predict job: where to write the scored rows (a directory on any Hadoop path)"),
            Setting.choice(
                    PREDICT_FORMAT,
                    PredictFormat.PARQUET,
                    PredictFormat.class,
                    "predict job: output format, parquet or csv"),
            Setting.integer(PREDICT_BATCH_ROWS, 256, 1, "predict job: rows per forward pass inside each Spark task"));

    private TrainSettings() {}

    /** A loader for the train job's settings. */
    public static SettingsLoader loader() {
        return new SettingsLoader(ALL);
    }
}
