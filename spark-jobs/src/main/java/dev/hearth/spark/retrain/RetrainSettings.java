package dev.hearth.spark.retrain;

import dev.hearth.config.Choice;
import dev.hearth.config.Setting;
import dev.hearth.config.SettingsLoader;
import dev.hearth.spark.training.TrainSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The retrain job's own settings with their defaults ({@code conf/retrain.properties} documents the same). The
 * retrain job also takes every train setting ({@code conf/train.properties}) for the network and training loop;
 * {@code data.path} and {@code model.warm.start} are set by the job from the window and the champion.
 */
public final class RetrainSettings {
    /** {@code retrain.window}: which partitions a retrain trains on. */
    public enum Window implements Choice {
        /** Only partitions newer than the last retrain's watermark. */
        SINCE_WATERMARK,
        /** The newest {@code retrain.window.partitions}. */
        LAST_N
    }

    /** {@code retrain.start}: where the challenger's weights start. */
    public enum Start implements Choice {
        /** From the champion, when there is one. */
        WARM,
        /** Fresh weights. */
        SCRATCH
    }

    /** {@code retrain.gate.metric}: the metric the challenger must beat the champion on ({@link GateMetric}). */
    public enum Metric implements Choice {
        /** Accuracy for a classifier, MSE for a regression model. */
        AUTO,
        ACCURACY,
        /** Macro F1. */
        F1,
        MSE,
        MAE,
        R2
    }

    public static final String DATA_ROOT = "retrain.data.root";
    public static final String WINDOW = "retrain.window";
    public static final String WINDOW_PARTITIONS = "retrain.window.partitions";
    public static final String START = "retrain.start";
    public static final String EVAL_PATH = "retrain.eval.path";
    public static final String GATE_METRIC = "retrain.gate.metric";
    public static final String GATE_MIN_ACCURACY = "retrain.gate.min.accuracy";
    public static final String GATE_MIN_F1 = "retrain.gate.min.f1";
    public static final String GATE_MARGIN_ABSOLUTE = "retrain.gate.margin.absolute";
    public static final String GATE_MARGIN_RELATIVE = "retrain.gate.margin.relative";
    public static final String GATE_MAX_RECALL_DROP = "retrain.gate.max.recall.drop";
    public static final String GATE_SIGNIFICANCE = "retrain.gate.significance";
    public static final String GATE_MIN_SHADOW_AGREEMENT = "retrain.gate.min.shadow.agreement";
    public static final String GATE_MIN_SHADOW_REQUESTS = "retrain.gate.min.shadow.requests";
    public static final String GATE_SHADOW_ALIAS = "retrain.gate.shadow.alias";
    public static final String INFRA_CALLS = "retrain.infra.warmup.calls";
    public static final String INFRA_MAX_P99 = "retrain.infra.max.p99.millis";
    public static final String INFRA_MAX_OFFHEAP = "retrain.infra.max.offheap.mb";
    public static final String PROMOTE_ALIAS = "retrain.promote.alias";
    public static final String STAGING_ALIAS = "retrain.promote.staging.alias";
    public static final String LOCK_TTL = "retrain.lock.ttl.minutes";
    public static final String EVAL_BATCH = "retrain.eval.batch.size";

    /** The declared settings, in the order {@code conf/retrain.properties} lists them. */
    public static final List<Setting> ALL = List.of(
            new Setting(
                    DATA_ROOT,
                    "",
                    "data root holding one directory per day, dt=YYYY-MM-DD (any Hadoop path; format per data.format)"),
            Setting.choice(
                    WINDOW,
                    Window.SINCE_WATERMARK,
                    Window.class,
                    "what to train on: since-watermark (only partitions newer than the last retrain's) or last-n"),
            Setting.integer(
                    WINDOW_PARTITIONS,
                    7,
                    1,
                    "last-n: number of most recent partitions to train on (a retrain still needs at least one new one)"),
            Setting.choice(
                    START,
                    Start.WARM,
                    Start.class,
                    "warm: initialise from the champion (the version the promote alias points to) when there is one; scratch: fresh weights"),
            new Setting(
                    EVAL_PATH,
                    "",
                    "the fixed evaluation set both champion and challenger are scored on (same format as the data); refused if it is, contains or lies inside a dt= partition, data.validation.path or data.test.path"),
            Setting.choice(
                    GATE_METRIC,
                    Metric.AUTO,
                    Metric.class,
                    "metric the challenger must beat the champion on: accuracy or f1 (macro) for classification; mse, mae (lower is better: the margins are reductions) or r2 for regression; auto = accuracy or mse"),
            Setting.number(
                    GATE_MIN_ACCURACY,
                    "0.0",
                    0,
                    1,
                    "absolute threshold: the challenger's accuracy on the evaluation set must be at least this"),
            Setting.number(
                    GATE_MIN_F1,
                    "0.0",
                    0,
                    1,
                    "absolute threshold: the challenger's macro F1 on the evaluation set must be at least this"),
            Setting.number(
                    GATE_MARGIN_ABSOLUTE,
                    "",
                    -1,
                    1,
                    "required change of the gate metric over the champion in its good direction, a decrease for mse/mae (e.g. 0.005; negative = tolerance: -0.005 accepts up to 0.5 points worse); empty = not set"),
            Setting.number(
                    GATE_MARGIN_RELATIVE,
                    "",
                    -1,
                    10,
                    "required change as a fraction of the champion's absolute value (e.g. 0.01 = 1% better, -0.01 = up to 1% worse); empty = not set; each set margin must hold; a required change of 0 (also when neither is set) means strictly better: a tie is rejected"),
            Setting.number(
                    GATE_MAX_RECALL_DROP,
                    "0.05",
                    0,
                    1,
                    "no class's recall may drop by more than this (absolute) from champion to challenger"),
            Setting.number(
                    GATE_SIGNIFICANCE,
                    "0",
                    0,
                    0.5,
                    "promote only if McNemar's exact test on the paired predictions (rows only one model got right) favours the challenger at this level, e.g. 0.05; 0 = off (the p-value is still reported); classification only: a level above 0 for a regression model is refused before training"),
            Setting.number(
                    GATE_MIN_SHADOW_AGREEMENT,
                    "",
                    0,
                    1,
                    "live traffic: the share of shadowed rows on which champion and challenger agree (argmax), merged from every serving replica's summary in the store, must be at least this; empty = not required; classification only"),
            Setting.integer(
                    GATE_MIN_SHADOW_REQUESTS,
                    0,
                    0,
                    "live traffic: at least this many requests must have been shadowed from champion to challenger (0 = not required, but 1 when a minimum agreement is set)"),
            new Setting(
                    GATE_SHADOW_ALIAS,
                    "shadow",
                    "with a shadow rule, a challenger that passes every other rule is put on this alias (servers shadow it: serving.rollout <model>.shadow=@shadow:F) instead of being promoted; retrain --promote-shadowed promotes it once the shadow rule holds"),
            Setting.integer(
                    INFRA_CALLS,
                    200,
                    1,
                    "infra check: single-row inferences timed after loading with the serving loader"),
            Setting.number(
                    INFRA_MAX_P99,
                    "250",
                    0,
                    1e9,
                    "infra check: p99 latency budget of one single-row inference, milliseconds"),
            Setting.number(
                    INFRA_MAX_OFFHEAP,
                    "2048",
                    0,
                    1e9,
                    "infra check: budget of ND4J off-heap memory the loaded model adds (JavaCPP Pointer.totalBytes), MiB"),
            new Setting(
                    PROMOTE_ALIAS,
                    "production",
                    "alias moved to a challenger that passes (compare-and-swap from the champion it was evaluated against)"),
            new Setting(
                    STAGING_ALIAS, "", "if set, this alias is moved to the challenger first, then the promote alias"),
            Setting.integer(
                    LOCK_TTL,
                    360,
                    1,
                    "the store lock expires after this many minutes (a crashed run blocks the next one at most this long)"),
            Setting.integer(EVAL_BATCH, 256, 1, "rows per inference batch in the champion/challenger evaluation pass"));

    private RetrainSettings() {}

    /** A loader for train settings plus retrain settings. */
    public static SettingsLoader loader() {
        List<Setting> all = new ArrayList<>(TrainSettings.ALL);
        all.addAll(ALL);
        return new SettingsLoader(all);
    }

    /** A loader for the retrain settings only (to check {@code conf/retrain.properties}). */
    public static SettingsLoader retrainOnly() {
        return new SettingsLoader(ALL);
    }
}
