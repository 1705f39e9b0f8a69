package dev.hearth.spark.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.config.RuleAudit;
import dev.hearth.config.SettingsException;
import dev.hearth.spark.LocalSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetrainSettingsTest {
    @Test
    void confFileDocumentsEverySettingWithItsDefault() {
        assertThat(RetrainSettings.retrainOnly()
                        .documentationProblems(LocalSpark.projectRoot().resolve("conf/retrain.properties")))
                .isEmpty();
    }

    @Test
    void everySettingWithAFixedSetOrANumberHasItsRule() {
        assertThat(RuleAudit.problems(
                        RetrainSettings.ALL,
                        Set.of(
                                RetrainSettings.DATA_ROOT,
                                RetrainSettings.EVAL_PATH,
                                RetrainSettings.GATE_SHADOW_ALIAS,
                                RetrainSettings.PROMOTE_ALIAS,
                                RetrainSettings.STAGING_ALIAS)))
                .isEmpty();
    }

    @Test
    void badGateSettingsFailAtLoadNamingKeyValueAndRule() {
        assertLoadFails(
                "retrain.gate.metric=auc",
                "retrain.gate.metric must be one of [auto, accuracy, f1, mse, mae, r2] but was 'auc'");
        assertLoadFails(
                "retrain.gate.min.accuracy=1.2", "retrain.gate.min.accuracy must be between 0.0 and 1.0 but was 1.2");
        assertLoadFails("retrain.gate.margin.absolute=x", "retrain.gate.margin.absolute must be a number but was 'x'");
        assertLoadFails(
                "retrain.gate.significance=0.9", "retrain.gate.significance must be between 0.0 and 0.5 but was 0.9");
        assertLoadFails(
                "retrain.gate.min.shadow.requests=-1", "retrain.gate.min.shadow.requests must be >= 0 but was -1");
        assertLoadFails("retrain.eval.batch.size=0", "retrain.eval.batch.size must be >= 1 but was 0");
        // optional numbers stay optional
        RetrainConfig c = config("retrain.gate.margin.absolute=", "retrain.gate.metric=F1");
        assertThat(c.gate().metric()).isEqualTo("f1");
        assertThat(c.gate().margins().absolute()).isEmpty();
    }

    /** The config of model m with its required paths and {@code extra} settings. */
    private static RetrainConfig config(String... extra) {
        List<String> set = new ArrayList<>(List.of("model.name=m", "retrain.data.root=/d", "retrain.eval.path=/e"));
        set.addAll(List.of(extra));
        return RetrainConfig.of(RetrainSettings.loader().load(null, set));
    }

    private static void assertLoadFails(String set, String message) {
        assertThatThrownBy(() -> RetrainSettings.loader().load(null, List.of(set)))
                .isInstanceOf(SettingsException.class)
                .hasMessage(message);
    }

    @Test
    void configIsValidatedUpFront() {
        assertThatThrownBy(() -> config("retrain.promote.staging.alias=production"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("must differ");
        assertThatThrownBy(() -> config("retrain.window=yesterday"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("retrain.window");
        RetrainConfig c = config("retrain.window=last-n", "retrain.window.partitions=3");
        assertThat(c.lastN()).isEqualTo(3);
        assertThat(c.warm()).isTrue();
    }

    @Test
    void gateAppliesThresholdsMarginAndRecallDrop() {
        Gate gate = new Gate(new Gate.Thresholds(
                "accuracy",
                0.8,
                0.0,
                new Gate.Margins(java.util.OptionalDouble.of(0.01), java.util.OptionalDouble.of(0.02)),
                0.05,
                0));
        Map<String, Double> champion = Map.of("accuracy", 0.90, "f1", 0.9, "recall.a", 0.9, "recall.b", 0.9);
        // relative margin 2% of 0.90 = 0.018 > absolute 0.01
        assertThat(gate.judge(
                                Map.of("accuracy", 0.915, "f1", 0.9, "recall.a", 0.9, "recall.b", 0.9),
                                champion,
                                List.of("a", "b"))
                        .failures())
                .singleElement()
                .asString()
                .contains("required >= +0.0180");
        assertThat(gate.judge(
                                Map.of("accuracy", 0.92, "f1", 0.9, "recall.a", 0.95, "recall.b", 0.89),
                                champion,
                                List.of("a", "b"))
                        .passed())
                .isTrue();
        assertThat(gate.judge(
                                Map.of("accuracy", 0.95, "f1", 0.9, "recall.a", 1.0, "recall.b", 0.8),
                                champion,
                                List.of("a", "b"))
                        .failures())
                .singleElement()
                .asString()
                .contains("recall.b dropped");
        assertThat(gate.judge(Map.of("accuracy", 0.75, "f1", 0.9), null, List.of("a", "b"))
                        .failures())
                .singleElement()
                .asString()
                .contains("accuracy 0.7500 < min 0.8000");
    }

    @Test
    void windowSinceWatermarkOrLastN() {
        List<Partitions.Partition> all = List.of(
                new Partitions.Partition("2026-11-01", "a"),
                new Partitions.Partition("2026-11-02", "b"),
                new Partitions.Partition("2026-11-03", "c"));
        List<Partitions.Partition> fresh = Partitions.newerThan(all, "2026-11-01");
        assertThat(fresh).extracting(Partitions.Partition::dt).containsExactly("2026-11-02", "2026-11-03");
        assertThat(Partitions.window(all, fresh, 0)).isEqualTo(fresh);
        assertThat(Partitions.window(all, fresh, 1))
                .extracting(Partitions.Partition::dt)
                .containsExactly("2026-11-03");
        assertThat(Partitions.newerThan(all, "2026-11-03")).isEmpty();
        assertThat(Partitions.inputPath(fresh)).isEqualTo("b,c");
    }
}
