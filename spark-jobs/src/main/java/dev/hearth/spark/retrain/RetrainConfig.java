package dev.hearth.spark.retrain;

import static dev.hearth.spark.retrain.RetrainSettings.*;

import dev.hearth.config.Settings;
import dev.hearth.config.SettingsException;
import dev.hearth.spark.training.InputOverlap;
import dev.hearth.spark.training.TrainSettings;
import dev.hearth.store.ModelNames;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.hadoop.conf.Configuration;

/**
 * The retrain settings, validated up front.
 *
 * @param model model name
 * @param dataRoot root of the {@code dt=YYYY-MM-DD} partitions
 * @param lastN window size for {@code last-n}; 0 for {@code since-watermark}
 * @param warm whether to warm-start from the champion
 * @param evalPath the fixed evaluation set
 * @param gate thresholds
 * @param infra infra-check budgets
 * @param promoteAlias alias to move
 * @param stagingAlias alias moved first, or empty
 * @param lockTtl lock time to live
 * @param evalBatch rows per inference batch in the evaluation pass
 * @param shadow the live-traffic (shadow) rule
 */
public record RetrainConfig(
        String model,
        String dataRoot,
        int lastN,
        boolean warm,
        String evalPath,
        Gate.Thresholds gate,
        InfraCheck.Budget infra,
        String promoteAlias,
        String stagingAlias,
        Duration lockTtl,
        int evalBatch,
        ShadowGate.Rule shadow) {

    /**
     * Refuses a {@code retrain.eval.path} that shares files with any partition under the data root (the window of
     * this or a later retrain) or with {@code data.validation.path} / {@code data.test.path}, and those with the
     * partitions: champion and challenger must be judged on rows neither trained on.
     *
     * @param partitions every {@code dt=} partition under {@code retrain.data.root}
     * @param settings the train settings (for the validation and test paths)
     */
    public void refuseOverlappingInputs(
            List<Partitions.Partition> partitions, Settings settings, Configuration hadoop) {
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put(EVAL_PATH, evalPath);
        inputs.put(TrainSettings.DATA_VALIDATION_PATH, settings.get(TrainSettings.DATA_VALIDATION_PATH));
        inputs.put(TrainSettings.DATA_TEST_PATH, settings.get(TrainSettings.DATA_TEST_PATH));
        for (Partitions.Partition p : partitions) {
            inputs.put(DATA_ROOT + " partition dt=" + p.dt(), p.path());
        }
        InputOverlap.refuse(inputs, hadoop);
    }

    /** Validates and converts. */
    public static RetrainConfig of(Settings s) {
        String model = ModelNames.validate(TrainSettings.MODEL_NAME, s.require(TrainSettings.MODEL_NAME));
        boolean lastN = s.getEnum(WINDOW, RetrainSettings.Window.class) == RetrainSettings.Window.LAST_N;
        Gate.Margins margins = new Gate.Margins(
                optionalDouble(s, GATE_MARGIN_ABSOLUTE, -1, 1), optionalDouble(s, GATE_MARGIN_RELATIVE, -1, 10));
        Gate.Thresholds gate = new Gate.Thresholds(
                s.getEnum(GATE_METRIC, RetrainSettings.Metric.class).word(),
                s.getDouble(GATE_MIN_ACCURACY, 0, 1),
                s.getDouble(GATE_MIN_F1, 0, 1),
                margins,
                s.getDouble(GATE_MAX_RECALL_DROP, 0, 1),
                s.getDouble(GATE_SIGNIFICANCE, 0, 0.5));
        InfraCheck.Budget infra = new InfraCheck.Budget(
                s.getInt(INFRA_CALLS, 1), s.getDouble(INFRA_MAX_P99, 0, 1e9), s.getDouble(INFRA_MAX_OFFHEAP, 0, 1e9));
        String promote = ModelNames.validate(PROMOTE_ALIAS, s.require(PROMOTE_ALIAS));
        String staging = s.get(STAGING_ALIAS);
        if (!staging.isEmpty()) {
            ModelNames.validate(STAGING_ALIAS, staging);
            if (staging.equals(promote)) {
                throw new SettingsException(
                        STAGING_ALIAS + " must differ from " + PROMOTE_ALIAS + " but both are '" + promote + "'");
            }
        }
        return new RetrainConfig(
                model,
                s.require(DATA_ROOT),
                lastN ? s.getInt(WINDOW_PARTITIONS, 1) : 0,
                s.getEnum(START, RetrainSettings.Start.class) == RetrainSettings.Start.WARM,
                s.require(EVAL_PATH),
                gate,
                infra,
                promote,
                staging,
                Duration.ofMinutes(s.getInt(LOCK_TTL, 1)),
                s.getInt(EVAL_BATCH, 1),
                ShadowGate.Rule.of(
                        optionalDouble(s, GATE_MIN_SHADOW_AGREEMENT, 0, 1),
                        s.getLong(GATE_MIN_SHADOW_REQUESTS),
                        s.require(GATE_SHADOW_ALIAS),
                        promote));
    }

    /** A number in [min, max], or empty when the setting is empty (not set). */
    private static OptionalDouble optionalDouble(Settings s, String key, double min, double max) {
        return s.get(key).isBlank() ? OptionalDouble.empty() : OptionalDouble.of(s.getDouble(key, min, max));
    }
}
