package dev.hearth.spark.training;

import dev.hearth.config.Setting;
import dev.hearth.config.SettingsLoader;
import java.util.List;

/** Every setting of the {@code train} job with its default; {@code conf/train.properties} documents the same. */
public final class TrainSettings {
    public static final String DATA_PATH = "data.path";
    public static final String DATA_FORMAT = "data.format";
    public static final String DATA_LABEL_COLUMN = "data.label.column";
    public static final String DATA_HEADER = "data.header";
    public static final String DATA_DELIMITER = "data.delimiter";
    public static final String SPLIT_TEST_FRACTION = "split.test.fraction";
    public static final String SPLIT_SEED = "split.seed";
    public static final String NORMALIZER = "normalizer";
    public static final String NETWORK_HIDDEN = "network.hidden";
    public static final String NETWORK_ACTIVATION = "network.activation";
    public static final String NETWORK_UPDATER = "network.updater";
    public static final String NETWORK_LEARNING_RATE = "network.learning.rate";
    public static final String NETWORK_L2 = "network.l2";
    public static final String NETWORK_SEED = "network.seed";
    public static final String TRAIN_EPOCHS = "train.epochs";
    public static final String TRAIN_BATCH_SIZE = "train.batch.size.per.worker";
    public static final String TRAIN_AVERAGING_FREQUENCY = "train.averaging.frequency";
    public static final String TRAIN_PREFETCH = "train.prefetch.batches";
    public static final String TRAIN_APPROACH = "train.approach";
    public static final String TRAIN_EXPORT_DIR = "train.export.dir";
    public static final String MODEL_NAME = "model.name";
    public static final String STORE_ROOT = "store.root";

    /** The declared settings, in the order {@code conf/train.properties} lists them. */
    public static final List<Setting> ALL = List.of(
            new Setting(DATA_PATH, "", "labelled CSV file or directory on any Hadoop path (file://, hdfs://, s3a://); .gz ok"),
            new Setting(DATA_FORMAT, "csv", "input format: csv"),
            new Setting(DATA_LABEL_COLUMN, "label", "label column: a header name or a 0-based index"),
            new Setting(DATA_HEADER, "true", "whether CSV files start with a header line"),
            new Setting(DATA_DELIMITER, ",", "CSV field delimiter (one character)"),
            new Setting(SPLIT_TEST_FRACTION, "0.2", "fraction of rows held out for the test evaluation"),
            new Setting(SPLIT_SEED, "42", "seed of the train/test split"),
            new Setting(NORMALIZER, "minmax", "feature normalisation fitted on the training split: none, minmax or standardize"),
            new Setting(NETWORK_HIDDEN, "256", "hidden dense layer sizes, comma-separated (e.g. 256,128)"),
            new Setting(NETWORK_ACTIVATION, "relu", "activation of hidden layers: relu, tanh, sigmoid, leakyrelu, elu"),
            new Setting(NETWORK_UPDATER, "adam", "optimiser: adam, sgd or nesterovs"),
            new Setting(NETWORK_LEARNING_RATE, "0.001", "learning rate of the optimiser"),
            new Setting(NETWORK_L2, "0.0", "L2 weight regularisation"),
            new Setting(NETWORK_SEED, "12345", "seed of weight initialisation"),
            new Setting(TRAIN_EPOCHS, "3", "passes over the training split"),
            new Setting(TRAIN_BATCH_SIZE, "64", "minibatch size each worker fits"),
            new Setting(TRAIN_AVERAGING_FREQUENCY, "5", "minibatches each worker fits between parameter averaging rounds"),
            new Setting(TRAIN_PREFETCH, "2", "minibatches each worker prefetches asynchronously (0 = off)"),
            new Setting(TRAIN_APPROACH, "auto", "how workers read minibatches: export (files on the default FS), direct (RDD), or auto"),
            new Setting(TRAIN_EXPORT_DIR, "", "directory for exported minibatches (default: a temp dir on the default FS); deleted after training"),
            new Setting(MODEL_NAME, "", "name the trained model is published under"),
            new Setting(STORE_ROOT, "${user.home}/.hearth/store", "model store root: a local path or a Hadoop URI"));

    private TrainSettings() {}

    /** A loader for the train job's settings. */
    public static SettingsLoader loader() {
        return new SettingsLoader(ALL);
    }
}
