package dev.hearth.spark.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hearth.config.Settings;
import dev.hearth.spark.DefaultEngine;
import dev.hearth.spark.LocalSpark;
import dev.hearth.store.AuditEvent;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retrain scenario on real local Spark and a real store: the digits set (8x8, 10 classes) is split into a fixed
 * evaluation set and three daily partitions; day 3 has most labels shuffled.
 */
class RetrainRunnerTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("retrain-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private RetrainFixture fixture;

    @BeforeEach
    void newFixture(@TempDir Path dir) {
        fixture = new RetrainFixture(spark, dir);
    }

    private static final String GATE_MIN_ACCURACY = "0.7";
    private static final double MAX_RECALL_DROP = 0.10;

    @Test
    void threeDayScenarioPromotesSkipsAndRejects() throws Exception {
        writeData();
        HadoopModelStore store = fixture.store();
        RetrainRunner runner = new RetrainRunner(spark, store, DefaultEngine.get());

        addDay(1, false);
        RetrainReport day1 = log("day 1", runner.run(settings(), false));
        assertThat(day1.outcome()).isEqualTo(RetrainOutcome.PROMOTED);
        assertThat(day1.exitCode()).isZero();
        assertThat(store.aliases("digits")).containsEntry("production", 1);
        ModelVersion v1 = store.resolve(ModelRef.parse("digits/1"));
        assertThat(v1.metadata().tags()).containsEntry("decision", "promoted");
        assertThat(v1.metadata().provenance())
                .containsEntry(RetrainRunner.WATERMARK, "2026-11-01")
                .containsEntry("retrain.partitions", List.of("2026-11-01"));
        assertThat(v1.metadata().provenance().get("retrain.fingerprints").toString())
                .contains("2026-11-01=");

        RetrainReport again = log("day 1 again", runner.run(settings(), false));
        assertThat(again.outcome()).isEqualTo(RetrainOutcome.NO_NEW_DATA);
        assertThat(again.exitCode()).isEqualTo(20);
        assertThat(again.message()).contains("no partition newer than watermark 2026-11-01");
        assertThat(store.listVersions("digits")).hasSize(1);

        addDay(2, false);
        RetrainReport day2 = log("day 2", runner.run(settings(), false));
        assertThat(day2.champion()).isEqualTo(1);
        assertThat(day2.challenger()).isEqualTo(2);
        boolean shouldPass = day2.challengerMetrics().get("accuracy") >= Double.parseDouble(GATE_MIN_ACCURACY)
                // no margin set: strictly better (a tie is rejected)
                && day2.challengerMetrics().get("accuracy")
                        > day2.championMetrics().get("accuracy")
                && day2.championMetrics().keySet().stream()
                        .filter(k -> k.startsWith("recall."))
                        .allMatch(k -> day2.championMetrics().get(k)
                                        - day2.challengerMetrics().get(k)
                                <= MAX_RECALL_DROP + 1e-12);
        assertThat(day2.outcome()).isEqualTo(shouldPass ? RetrainOutcome.PROMOTED : RetrainOutcome.REJECTED);
        assertThat(store.resolve(ModelRef.parse("digits/2")).metadata().provenance())
                .containsEntry("retrain.partitions", List.of("2026-11-02"))
                .containsEntry("parentVersion", "digits/1");
        int champion = store.aliases("digits").get("production");
        assertThat(champion).isEqualTo(shouldPass ? 2 : 1);

        addDay(3, true);
        RetrainReport day3 = log("day 3 (noisy labels)", runner.run(settings(), false));
        assertThat(day3.outcome()).isEqualTo(RetrainOutcome.REJECTED);
        assertThat(day3.exitCode()).isEqualTo(10);
        assertThat(day3.reasons()).isNotEmpty();
        assertThat(store.aliases("digits")).containsEntry("production", champion);
        ModelVersion v3 = store.resolve(ModelRef.parse("digits/3"));
        assertThat(v3.metadata().tags()).containsEntry("decision", "rejected").containsKey("decision.reasons");
        assertThat(v3.metadata().provenance()).containsKeys("retrain.challengerMetrics", "retrain.championMetrics");
        assertThat(store.auditLog("digits"))
                .anyMatch(e -> e.action().equals("retrain-rejected")
                        && e.from() == 3
                        && e.reason().contains("rejected"));

        // day 3 was consumed even though it was rejected: running again is a no-op
        assertThat(runner.run(settings(), false).outcome()).isEqualTo(RetrainOutcome.NO_NEW_DATA);

        // bin/hearth models rollback digits production undoes the last promotion
        if (champion == 2) {
            store.rollback("digits", "production", "undo day 2");
            assertThat(store.aliases("digits")).containsEntry("production", 1);
        }
    }

    @Test
    void concurrentRetrainExits30AndAMovedAliasIsNotOverwritten() throws Exception {
        writeData();
        HadoopModelStore store = fixture.store();
        addDay(1, false);
        List<RetrainReport> second = new ArrayList<>();
        RetrainRunner first = new RetrainRunner(
                spark,
                store,
                DefaultEngine.get(),
                (challenger, champion) ->
                        // a second retrain of the same model while the first one is running (and holds the lock)
                        second.add(CompletableFuture.supplyAsync(() ->
                                        new RetrainRunner(spark, store, DefaultEngine.get()).run(settings(), false))
                                .join()));
        RetrainReport one = first.run(settings(), false);
        assertThat(one.outcome()).isEqualTo(RetrainOutcome.PROMOTED);
        assertThat(second).hasSize(1);
        assertThat(second.get(0).outcome()).isEqualTo(RetrainOutcome.LOCKED);
        assertThat(second.get(0).exitCode()).isEqualTo(30);
        assertThat(second.get(0).message())
                .contains("another retrain is running")
                .contains("lock 'retrain'");
        assertThat(store.currentLock("digits", RetrainRunner.LOCK_PURPOSE)).isNull();

        addDay(2, false);
        int[] hotfix = new int[1];
        RetrainRunner racing = new RetrainRunner(spark, store, DefaultEngine.get(), (challenger, champion) -> {
            // an operator publishes and promotes a hotfix between evaluation and promotion
            ModelVersion c = store.resolve(ModelRef.parse("digits/" + champion));
            byte[] zip = store.readFile(c, ModelFiles.MODEL_FILE);
            ModelVersion h = store.publish(
                    "digits",
                    new ModelDraft(
                            c.metadata().framework(),
                            c.metadata().signature(),
                            c.metadata().metrics(),
                            Map.of(),
                            Map.of(),
                            Map.of("hotfix", "true"),
                            Map.of(ModelFiles.MODEL_FILE, out -> out.write(zip))));
            hotfix[0] = h.version();
            store.setAlias("digits", "production", h.version(), champion, "hotfix");
        });
        RetrainReport conflict = racing.run(settings(GATE_PERMISSIVE), false);
        assertThat(conflict.outcome()).isEqualTo(RetrainOutcome.CONFLICT);
        assertThat(conflict.exitCode()).isEqualTo(30);
        assertThat(store.aliases("digits")).containsEntry("production", hotfix[0]);
        List<AuditEvent> audit = store.auditLog("digits");
        assertThat(audit)
                .anyMatch(e -> e.action().equals("retrain-conflict")
                        && e.from() == 2
                        && e.reason().contains("production moved from 1 to " + hotfix[0]));
    }

    @Test
    void aShadowRuleStagesThePassingChallengerOnTheShadowAliasUntilLiveTrafficAgrees() throws Exception {
        writeData();
        HadoopModelStore store = fixture.store();
        RetrainRunner runner = new RetrainRunner(spark, store, DefaultEngine.get());
        String[] shadow =
                concat(GATE_PERMISSIVE, "retrain.gate.min.shadow.agreement=0.8", "retrain.gate.min.shadow.requests=50");
        addDay(1, false);
        // No champion: nothing to shadow against, so day 1 is promoted at once.
        assertThat(log("shadow day 1", runner.run(settings(shadow), false)).outcome())
                .isEqualTo(RetrainOutcome.PROMOTED);
        addDay(2, false);
        RetrainReport day2 = log("shadow day 2", runner.run(settings(shadow), false));
        assertThat(day2.outcome()).isEqualTo(RetrainOutcome.REJECTED);
        assertThat(day2.exitCode()).isEqualTo(10);
        assertThat(day2.message()).contains("awaiting live traffic", "shadow -> digits/2", "0 requests shadowed");
        assertThat(store.aliases("digits")).containsEntry("production", 1).containsEntry("shadow", 2);
        assertThat(store.resolve(ModelRef.parse("digits/2")).metadata().tags()).containsEntry("decision", "shadowing");

        // The serving replicas shadow digits/2 and persist their counts; --promote-shadowed reads them merged.
        dev.hearth.store.hadoop.HadoopShadowSummaries summaries = new dev.hearth.store.hadoop.HadoopShadowSummaries(
                store.root(), spark.sparkContext().hadoopConfiguration());
        ShadowPromotion promotion = new ShadowPromotion(store, summaries);
        RetrainConfig cfg = RetrainConfig.of(settings(shadow));
        summaries.write(new dev.hearth.store.ShadowSummary(
                "digits",
                "r1",
                1,
                0,
                List.of(new dev.hearth.store.ShadowSummary.Pair(1, 2, false, 40, 40, 38, 0, 0, 0))));
        assertThat(promotion.run(cfg).message()).contains("40 requests shadowed", "need at least 50");
        summaries.write(new dev.hearth.store.ShadowSummary(
                "digits",
                "r2",
                1,
                0,
                List.of(new dev.hearth.store.ShadowSummary.Pair(1, 2, false, 40, 40, 36, 0, 0, 0))));
        RetrainReport promoted = log("shadow promotion", promotion.run(cfg));
        assertThat(promoted.outcome()).isEqualTo(RetrainOutcome.PROMOTED);
        assertThat(store.aliases("digits")).containsEntry("production", 2);
    }

    @Test
    void significanceOfThePairedPredictionsIsReportedAndGatesPromotion() throws Exception {
        writeData();
        HadoopModelStore store = fixture.store();
        RetrainRunner runner = new RetrainRunner(spark, store, DefaultEngine.get());
        // Only the significance rule can reject: any margin, any recall drop, any accuracy is allowed.
        String[] gate = {
            "retrain.gate.significance=0.05",
            "retrain.gate.margin.absolute=-1",
            "retrain.gate.max.recall.drop=1",
            "retrain.gate.min.accuracy=0"
        };
        addDay(1, false);
        // a weak champion: one epoch at a small learning rate
        RetrainReport day1 = log(
                "significance day 1",
                runner.run(settings(concat(gate, "train.epochs=1", "network.learning.rate=0.001")), false));
        assertThat(day1.outcome()).isEqualTo(RetrainOutcome.PROMOTED);
        assertThat(day1.significance()).isNull();

        addDay(2, false);
        RetrainReport day2 = log("significance day 2", runner.run(settings(gate), false));
        checkPairing(day2);
        assertThat(day2.significance().pValue()).isLessThan(0.05);
        assertThat(day2.outcome()).isEqualTo(RetrainOutcome.PROMOTED);
        assertThat(day2.summaryLine()).contains("McNemar p ");
        assertThat(store.resolve(ModelRef.parse("digits/2"))
                        .metadata()
                        .provenance()
                        .get("retrain.significance"))
                .asString()
                .contains("pValue");

        addDay(3, true);
        RetrainReport day3 = log("significance day 3 (noisy labels)", runner.run(settings(gate), false));
        checkPairing(day3);
        assertThat(day3.outcome()).isEqualTo(RetrainOutcome.REJECTED);
        assertThat(day3.reasons())
                .singleElement()
                .asString()
                .startsWith("McNemar exact p")
                .contains("in the champion's favour");
    }

    /** The discordant counts agree with both accuracies and the p-value with McNemar's test on them. */
    private static void checkPairing(RetrainReport r) {
        Gate.Significance sig = r.significance();
        assertThat(sig.test()).isEqualTo("mcnemar-exact");
        assertThat(sig.alpha()).isEqualTo(0.05);
        double n = r.challengerMetrics().entrySet().stream()
                .filter(e -> e.getKey().startsWith("support."))
                .mapToDouble(Map.Entry::getValue)
                .sum();
        assertThat(n).isEqualTo(297);
        assertThat(r.challengerMetrics().get("accuracy") - r.championMetrics().get("accuracy"))
                .isCloseTo((sig.challengerOnlyRight() - sig.championOnlyRight()) / n, within(1e-9));
        assertThat(sig.pValue()).isEqualTo(McNemar.pValue(sig.challengerOnlyRight(), sig.championOnlyRight()));
    }

    private static String[] concat(String[] a, String... b) {
        List<String> out = new ArrayList<>(List.of(a));
        out.addAll(List.of(b));
        return out.toArray(String[]::new);
    }

    private static final String[] GATE_PERMISSIVE = {
        "retrain.gate.min.accuracy=0", "retrain.gate.margin.absolute=-1", "retrain.gate.max.recall.drop=1"
    };

    private static RetrainReport log(String step, RetrainReport r) throws Exception {
        RetrainFixture.appendFigure(
                "retrain-scenario.txt",
                step + ": " + r.summaryLine() + "\n  reasons " + r.reasons() + "\n  checks " + r.checks() + "\n");
        return r;
    }

    private Settings settings(String... extra) {
        return fixture.settings(
                "digits",
                List.of(
                        "retrain.gate.min.accuracy=" + GATE_MIN_ACCURACY,
                        "retrain.gate.max.recall.drop=" + MAX_RECALL_DROP,
                        "retrain.infra.warmup.calls=20",
                        "retrain.infra.max.p99.millis=100000",
                        "network.hidden=32",
                        "network.learning.rate=0.01",
                        "train.epochs=6"),
                extra);
    }

    private void writeData() throws Exception {
        fixture.writeData("/dev/hearth/spark/data/digits-8x8.csv", 7, 297);
    }

    private void addDay(int day, boolean noisy) throws Exception {
        List<String> part = fixture.rows(297 + (day - 1) * 500, 297 + day * 500);
        if (noisy) {
            Random r = new Random(day);
            for (int i = 0; i < part.size(); i++) {
                if (r.nextDouble() < 0.9) {
                    String row = part.get(i);
                    part.set(i, row.substring(0, row.lastIndexOf(',') + 1) + r.nextInt(10));
                }
            }
        }
        fixture.writeDay(day, part);
    }
}
