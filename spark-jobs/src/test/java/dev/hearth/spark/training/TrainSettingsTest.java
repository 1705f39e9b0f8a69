package dev.hearth.spark.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.config.RuleAudit;
import dev.hearth.config.SettingsException;
import dev.hearth.spark.LocalSpark;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainSettingsTest {
    /** Values no fixed set or range describes: paths, names, column lists and the class-weights mini-language. */
    static final Set<String> FREE_TEXT = Set.of(
            TrainSettings.DATA_PATH,
            TrainSettings.DATA_LABEL_COLUMN,
            TrainSettings.DATA_FEATURES,
            TrainSettings.DATA_DELIMITER,
            TrainSettings.DATA_VALIDATION_PATH,
            TrainSettings.DATA_TEST_PATH,
            TrainSettings.SPLIT_KEY_COLUMN,
            TrainSettings.NETWORK_CONFIG,
            TrainSettings.TRAIN_EXPORT_DIR,
            TrainSettings.TRAIN_CLASS_WEIGHTS,
            TrainSettings.MODEL_NAME,
            TrainSettings.MODEL_WARM_START,
            TrainSettings.STORE_ROOT,
            "store.encryption.key.provider",
            "store.encryption.key.name",
            "store.encryption.key.overrides",
            TrainSettings.PREDICT_OUTPUT);

    @Test
    void confTrainPropertiesDocumentsEverySettingWithItsDefault() {
        assertThat(TrainSettings.loader()
                        .documentationProblems(LocalSpark.projectRoot().resolve("conf/train.properties")))
                .isEmpty();
    }

    @Test
    void quickstartConfigOnlyUsesKnownSettings() {
        TrainSettings.loader()
                .load(LocalSpark.projectRoot().resolve("conf/quickstart.properties"), java.util.List.of());
    }

    @Test
    void everySettingWithAFixedSetOrANumberHasItsRule() {
        assertThat(RuleAudit.problems(TrainSettings.ALL, FREE_TEXT)).isEmpty();
    }

    @Test
    void badChoicesFailAtLoadNamingKeyValueAndAllowedWords() {
        assertLoadFails("data.format=orc", "data.format must be one of [csv, libsvm, parquet] but was 'orc'");
        assertLoadFails("normalizer=zscore", "normalizer must be one of [none, minmax, standardize] but was 'zscore'");
        assertLoadFails("split.stratify=yes", "split.stratify must be one of [auto, true, false] but was 'yes'");
        assertLoadFails(
                "network.activation=gelu",
                "network.activation must be one of [relu, tanh, sigmoid, leakyrelu, elu] but was 'gelu'");
        // The setting allows fewer activations than a spec file (its enum, dev.hearth.spark.network.Activation).
        assertLoadFails(
                "network.activation=identity",
                "network.activation must be one of [relu, tanh, sigmoid, leakyrelu, elu] but was 'identity'");
        assertLoadFails(
                "network.updater=rmsprop", "network.updater must be one of [adam, sgd, nesterovs] but was 'rmsprop'");
        assertLoadFails(
                "network.head=ranking", "network.head must be one of [classification, regression] but was 'ranking'");
        assertLoadFails(
                "network.target.normalizer=minmax",
                "network.target.normalizer must be one of [none, standardize] but was 'minmax'");
        assertLoadFails(
                "predict.output.format=json", "predict.output.format must be one of [parquet, csv] but was 'json'");
    }

    @Test
    void badNumbersFailAtLoadNamingKeyValueAndRange() {
        assertLoadFails("network.dropout=1.5", "network.dropout must be between 0.0 and 0.99 but was 1.5");
        assertLoadFails("network.learning.rate=fast", "network.learning.rate must be a number but was 'fast'");
        assertLoadFails("network.l2=-1", "network.l2 must be between 0.0 and 10.0 but was -1");
        assertLoadFails(
                "split.validation.fraction=0.95", "split.validation.fraction must be between 0.0 and 0.9 but was 0.95");
        assertLoadFails(
                "train.class.imbalance.warn.ratio=0.5",
                "train.class.imbalance.warn.ratio must be between 1.0 and " + Double.MAX_VALUE + " but was 0.5");
        assertLoadFails("network.seed=abc", "network.seed must be an integer but was 'abc'");
        assertLoadFails("network.hidden=128,0", "network.hidden entries must be >= 1 but was '128,0'");
    }

    @Test
    void choicesReachTheJobAsBefore() {
        var s = TrainSettings.loader().load(null, List.of("data.path=/d", "data.format=LibSVM", "normalizer=none"));
        assertThat(TrainJobConfig.dataset(s).format()).isEqualTo("libsvm");
        assertThat(s.getEnum(TrainSettings.NORMALIZER, TrainSettings.Normalizer.class))
                .isEqualTo(TrainSettings.Normalizer.NONE);
    }

    private static void assertLoadFails(String set, String message) {
        assertThatThrownBy(() -> TrainSettings.loader().load(null, List.of(set)))
                .isInstanceOf(SettingsException.class)
                .hasMessage(message);
    }
}
