package dev.hearth.spark.retrain;

import dev.hearth.config.Settings;
import dev.hearth.runtime.ModelRuntime;
import dev.hearth.runtime.RuntimeOptions;
import dev.hearth.spark.retrain.Partitions.Partition;
import dev.hearth.spark.training.EvaluationReport;
import dev.hearth.spark.training.PublishDecorator;
import dev.hearth.spark.training.TrainJobConfig;
import dev.hearth.spark.training.TrainSettings;
import dev.hearth.spark.training.TrainingEngine;
import dev.hearth.spark.training.TrainingPipeline;
import dev.hearth.spark.training.TrainingSummary;
import dev.hearth.store.LockHeldException;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.StoreLock;
import dev.hearth.store.VersionConflictException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One retrain of one model: take the store lock, find the partitions newer than the watermark, train a challenger
 * (warm-started from the champion), evaluate challenger and champion on the fixed evaluation set in one pass, run
 * the gate and the infra check, publish the challenger tagged with the decision, and move the promote alias by
 * compare-and-swap from the champion it was evaluated against.
 */
public final class RetrainRunner {
    /** Runs between publishing a passing challenger and moving the alias (tests use it to simulate a race). */
    @FunctionalInterface
    public interface BeforePromotion {
        void run(ModelVersion challenger, Integer champion);
    }

    /** The provenance key holding the newest partition a version was trained on. */
    public static final String WATERMARK = "retrain.watermark";

    public static final String LOCK_PURPOSE = "retrain";

    private static final Logger LOG = LoggerFactory.getLogger(RetrainRunner.class);

    private final SparkSession spark;
    private final ModelStore store;
    private final TrainingEngine engine;
    private final BeforePromotion beforePromotion;

    public RetrainRunner(SparkSession spark, ModelStore store, TrainingEngine engine, BeforePromotion beforePromotion) {
        this.spark = spark;
        this.store = store;
        this.engine = engine;
        this.beforePromotion = beforePromotion;
    }

    public RetrainRunner(SparkSession spark, ModelStore store, TrainingEngine engine) {
        this(spark, store, engine, (challenger, champion) -> {});
    }

    /** Runs one retrain; failures other than the outcomes below propagate as exceptions (exit 1). */
    public RetrainReport run(Settings settings, boolean dryRun) {
        RetrainConfig cfg = RetrainConfig.of(settings);
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        LOG.info("Retrain {} with settings {}", cfg.model(), settings.asMap());
        StoreLock lock;
        try {
            lock = store.acquireLock(
                    cfg.model(), LOCK_PURPOSE, "retrain " + spark.sparkContext().applicationId(), cfg.lockTtl());
        } catch (LockHeldException e) {
            return RetrainReport.early(
                    cfg.model(),
                    RetrainOutcome.LOCKED,
                    "another retrain is running: " + e.getMessage(),
                    null,
                    List.of());
        }
        try {
            return locked(cfg, settings, hadoop, dryRun);
        } finally {
            store.releaseLock(lock);
        }
    }

    /**
     * The retrain under the lock, in steps: find the {@link Window} of partitions to train on (or stop: no new
     * data, dry run), {@link #trainChallenger train and judge} the challenger, then {@link #reject}, {@link #shadow}
     * or {@link #promote} it.
     */
    private RetrainReport locked(RetrainConfig cfg, Settings settings, Configuration hadoop, boolean dryRun) {
        String watermark = watermark(cfg.model());
        List<Partition> all = Partitions.list(cfg.dataRoot(), hadoop);
        cfg.refuseOverlappingInputs(all, settings, hadoop);
        List<Partition> fresh = Partitions.newerThan(all, watermark);
        List<String> freshNames = fresh.stream().map(Partition::dt).toList();
        if (fresh.isEmpty()) {
            String which = watermark == null
                    ? "no dt=YYYY-MM-DD partition with data"
                    : "no partition newer than watermark " + watermark;
            return RetrainReport.early(
                    cfg.model(),
                    RetrainOutcome.NO_NEW_DATA,
                    which + " under " + cfg.dataRoot() + " (" + all.size() + " partitions): nothing to do",
                    watermark,
                    freshNames);
        }
        List<Partition> partitions = Partitions.window(all, fresh, cfg.lastN());
        Window w = new Window(
                watermark,
                freshNames,
                partitions,
                partitions.stream().map(Partition::dt).toList(),
                store.aliases(cfg.model()).get(cfg.promoteAlias()));
        if (dryRun) {
            return new RetrainReport(
                    cfg.model(),
                    RetrainOutcome.PROMOTED,
                    0,
                    "dry run: would train on " + w.windowNames(),
                    watermark,
                    freshNames,
                    w.windowNames(),
                    w.champion(),
                    null,
                    List.of(),
                    List.of(),
                    null,
                    null,
                    null,
                    null);
        }
        Challenger c = trainChallenger(cfg, settings, hadoop, w);
        if (!c.gate().passed()) {
            return reject(cfg, w, c);
        }
        if (cfg.shadow().enabled() && w.champion() != null) {
            RetrainReport waiting = shadow(cfg, hadoop, w, c);
            if (waiting != null) {
                return waiting;
            }
        }
        return promote(cfg, w, c);
    }

    /** The partitions a retrain trains on, what it found new, and the champion it is measured against (or null). */
    private record Window(
            String watermark,
            List<String> freshNames,
            List<Partition> partitions,
            List<String> windowNames,
            Integer champion) {
        /** The watermark the challenger records: the newest partition it saw. */
        String newWatermark() {
            String lastWindow = windowNames.get(windowNames.size() - 1);
            String lastFresh = freshNames.get(freshNames.size() - 1);
            return lastWindow.compareTo(lastFresh) >= 0 ? lastWindow : lastFresh;
        }
    }

    /** A trained and published challenger with its gate outcome and the metrics text for audit reasons. */
    private record Challenger(ModelVersion version, GateOutcome gate, String metricsText) {}

    /** Trains the challenger on the window (warm-started from the champion), judged and tagged as it publishes. */
    private Challenger trainChallenger(RetrainConfig cfg, Settings settings, Configuration hadoop, Window w) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put(TrainSettings.DATA_PATH, Partitions.inputPath(w.partitions()));
        overrides.put(
                TrainSettings.MODEL_WARM_START,
                cfg.warm() && w.champion() != null ? cfg.model() + "/" + w.champion() : "");
        Settings train = settings.with(overrides);
        TrainJobConfig trainCfg = TrainJobConfig.of(train, hadoop);
        // A gate metric or significance level that does not fit the head is refused before the challenger trains.
        cfg.gate().metricFor(!trainCfg.network().isClassification());
        GateOutcome[] gate = new GateOutcome[1];
        PublishDecorator decorator = (network, zip, signature, test) -> {
            gate[0] = judge(cfg, trainCfg, zip, signature, w.champion());
            return decoration(cfg, hadoop, w, gate[0]);
        };
        TrainingSummary summary = new TrainingPipeline(spark, store, engine).run(train, false, decorator);
        GateOutcome g = gate[0];
        String metricsText = TrainLine.metrics(g.challenger())
                + (g.champion() == null
                        ? ""
                        : " vs champion " + cfg.model() + "/" + w.champion() + " " + TrainLine.metrics(g.champion()));
        return new Challenger(summary.published(), g, metricsText);
    }

    /** The challenger's retrain provenance and decision tags. */
    private static PublishDecorator.Decoration decoration(
            RetrainConfig cfg, Configuration hadoop, Window w, GateOutcome gate) {
        // With a shadow rule a passing challenger first waits on the shadow alias.
        String passed = cfg.shadow().enabled() && w.champion() != null ? "shadowing" : "promoted";
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("retrain.partitions", w.windowNames());
        p.put(WATERMARK, w.newWatermark());
        p.put("retrain.previousWatermark", w.watermark() == null ? "" : w.watermark());
        p.put("retrain.fingerprints", Partitions.fingerprints(w.partitions(), hadoop));
        p.put("retrain.dataRoot", cfg.dataRoot());
        p.put("retrain.evalPath", cfg.evalPath());
        p.put("retrain.champion", w.champion() == null ? "" : cfg.model() + "/" + w.champion());
        p.put("retrain.decision", gate.passed() ? passed : "rejected");
        p.put("retrain.reasons", gate.failures());
        p.put("retrain.checks", gate.checks());
        p.put("retrain.challengerMetrics", gate.challenger());
        if (gate.champion() != null) {
            p.put("retrain.championMetrics", gate.champion());
        }
        p.put("retrain.infra", gate.infra());
        if (gate.significance() != null) {
            p.put("retrain.significance", gate.significance().toMap());
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("decision", gate.passed() ? passed : "rejected");
        tags.put("retrain.window", String.join(",", w.windowNames()));
        if (!gate.passed()) {
            tags.put("decision.reasons", String.join("; ", gate.failures()));
        }
        return new PublishDecorator.Decoration(tags, p);
    }

    /** The gate failed: record the event and report REJECTED. */
    private RetrainReport reject(RetrainConfig cfg, Window w, Challenger c) {
        String why = String.join("; ", c.gate().failures());
        store.recordEvent(
                cfg.model(),
                "retrain-rejected",
                c.version().version(),
                "retrain on " + w.windowNames() + " rejected: " + why + " (" + c.metricsText() + ")");
        return report(cfg, RetrainOutcome.REJECTED, "rejected by the gate: " + why, w, c);
    }

    /**
     * The live-traffic rule: a fresh challenger waits on the shadow alias (servers shadow it) and is promoted by
     * retrain --promote-shadowed once the replicas' merged summaries satisfy the rule. Returns the report when the
     * challenger must wait, null when the rule is already satisfied.
     */
    private RetrainReport shadow(RetrainConfig cfg, Configuration hadoop, Window w, Challenger c) {
        ModelVersion challenger = c.version();
        ShadowGate.Verdict v = ShadowGate.judge(
                cfg.shadow(),
                new dev.hearth.store.hadoop.HadoopShadowSummaries(store.root(), hadoop),
                cfg.model(),
                w.champion(),
                challenger.version());
        if (v.passed()) {
            return null;
        }
        Integer shadowed = store.aliases(cfg.model()).get(cfg.shadow().alias());
        store.setAlias(
                cfg.model(),
                cfg.shadow().alias(),
                challenger.version(),
                shadowed,
                "retrain on " + w.windowNames() + " passed the gate; shadowing before promotion (" + c.metricsText()
                        + ")");
        return report(
                cfg,
                RetrainOutcome.REJECTED,
                "passed the gate, awaiting live traffic: "
                        + cfg.shadow().alias() + " -> " + challenger.ref() + "; " + v.text()
                        + "; promote with retrain --promote-shadowed",
                w,
                c);
    }

    /**
     * Loads the challenger as served, then moves the staging and promote aliases by compare-and-swap from the
     * champion it was evaluated against; CONFLICT when the promote alias moved meanwhile.
     */
    private RetrainReport promote(RetrainConfig cfg, Window w, Challenger c) {
        ModelVersion challenger = c.version();
        Integer champion = w.champion();
        beforePromotion.run(challenger, champion);
        // The serving path: read model.zip back from the store (checksum-verified), restore and probe it as served.
        ModelRuntime.standard(RuntimeOptions.DEFAULTS).load(store, challenger).close();
        String reason = "retrain on " + w.windowNames() + " promoted: " + c.metricsText();
        try {
            if (!cfg.stagingAlias().isEmpty()) {
                Integer staged = store.aliases(cfg.model()).get(cfg.stagingAlias());
                store.setAlias(cfg.model(), cfg.stagingAlias(), challenger.version(), staged, reason);
            }
            store.setAlias(cfg.model(), cfg.promoteAlias(), challenger.version(), champion, reason);
        } catch (VersionConflictException e) {
            Integer now = store.aliases(cfg.model()).get(cfg.promoteAlias());
            String why = cfg.promoteAlias() + " moved from " + champion + " to " + now
                    + " while the challenger was evaluated; not promoted";
            store.recordEvent(
                    cfg.model(),
                    "retrain-conflict",
                    challenger.version(),
                    "retrain on " + w.windowNames() + " passed the gate against " + cfg.model() + "/" + champion
                            + " but " + why);
            return report(cfg, RetrainOutcome.CONFLICT, why, w, c);
        }
        return report(cfg, RetrainOutcome.PROMOTED, cfg.promoteAlias() + " -> " + challenger.ref(), w, c);
    }

    private static RetrainReport report(
            RetrainConfig cfg, RetrainOutcome outcome, String message, Window w, Challenger c) {
        GateOutcome g = c.gate();
        return new RetrainReport(
                cfg.model(),
                outcome,
                outcome.exitCode(),
                message,
                w.watermark(),
                w.freshNames(),
                w.windowNames(),
                w.champion(),
                c.version().version(),
                g.failures(),
                g.checks(),
                g.challenger(),
                g.champion(),
                g.infra(),
                g.significance());
    }

    /** Gate and infra results, computed inside the publish decorator. */
    record GateOutcome(
            boolean passed,
            List<String> failures,
            List<String> checks,
            Map<String, Double> challenger,
            Map<String, Double> champion,
            Map<String, Object> infra,
            Gate.Significance significance) {}

    private GateOutcome judge(
            RetrainConfig cfg, TrainJobConfig trainCfg, byte[] zip, dev.hearth.store.Signature sig, Integer champion) {
        List<ChampionChallengerEvaluator.Candidate> candidates = new ArrayList<>();
        candidates.add(ChampionChallengerEvaluator.Candidate.of("challenger", zip, sig));
        if (champion != null) {
            ModelVersion c = store.resolve(dev.hearth.store.ModelRef.parse(cfg.model() + "/" + champion));
            candidates.add(ChampionChallengerEvaluator.Candidate.of(
                    c.ref().toString(),
                    store.readFile(c, ModelFiles.MODEL_FILE),
                    c.metadata().signature()));
        }
        var spec = trainCfg.data();
        var evalSpec = new dev.hearth.spark.data.DatasetSpec(
                cfg.evalPath(),
                spec.format(),
                spec.labelColumn(),
                spec.header(),
                spec.delimiter(),
                spec.features(),
                spec.libsvmZeroBased(),
                spec.featureCount(),
                spec.skipBadRows());
        ChampionChallengerEvaluator.Comparison comparison =
                new ChampionChallengerEvaluator(spark).compare(evalSpec, candidates, cfg.evalBatch());
        List<EvaluationReport> reports = comparison.reports();
        Map<String, Double> challengerMetrics = reports.get(0).metrics();
        Map<String, Double> championMetrics =
                champion == null ? null : reports.get(1).metrics();
        Gate.Verdict verdict = new Gate(cfg.gate())
                .judge(
                        challengerMetrics,
                        championMetrics,
                        sig.labelNames(),
                        champion == null ? null : comparison.discordantWith(1));
        InfraCheck.Result infra = new InfraCheck(cfg.infra()).check(zip, sig, cfg.model() + " challenger");
        List<String> failures = new ArrayList<>(verdict.failures());
        failures.addAll(infra.failures());
        LOG.info(
                "Gate for {}: challenger {} champion {} -> {}",
                cfg.model(),
                TrainLine.metrics(challengerMetrics),
                championMetrics == null ? "-" : TrainLine.metrics(championMetrics),
                failures.isEmpty() ? "pass" : failures);
        return new GateOutcome(
                failures.isEmpty(),
                failures,
                verdict.checks(),
                challengerMetrics,
                championMetrics,
                infra.measurements(),
                verdict.significance());
    }

    /** The newest watermark recorded by any retrain of {@code model} (promoted or rejected), or null. */
    String watermark(String model) {
        List<ModelVersion> versions = store.listVersions(model);
        for (int i = versions.size() - 1; i >= 0; i--) {
            Object w = versions.get(i).metadata().provenance().get(WATERMARK);
            if (w != null && !w.toString().isEmpty()) {
                return w.toString();
            }
        }
        return null;
    }

    /** Short metric text for logs and audit reasons. */
    static final class TrainLine {
        private TrainLine() {}

        static String metrics(Map<String, Double> m) {
            return m.containsKey("mse")
                    ? String.format(
                            java.util.Locale.ROOT, "mse %.4f mae %.4f r2 %.4f", m.get("mse"), m.get("mae"), m.get("r2"))
                    : String.format(java.util.Locale.ROOT, "accuracy %.4f f1 %.4f", m.get("accuracy"), m.get("f1"));
        }
    }
}
