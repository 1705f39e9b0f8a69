package dev.hearth.spark.retrain;

import dev.hearth.store.LockHeldException;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ShadowSummaries;
import dev.hearth.store.StoreLock;
import dev.hearth.store.VersionConflictException;
import java.util.List;
import java.util.Map;

/**
 * The second stage of a gate with a shadow rule ({@code bin/hearth retrain --promote-shadowed}): the challenger a
 * retrain put on the shadow alias is promoted (compare-and-swap from the champion) once the live-traffic rule holds
 * on the replicas' merged shadow summaries; no training, no Spark. Runs under the model's retrain lock.
 */
public final class ShadowPromotion {
    private final ModelStore store;
    private final ShadowSummaries summaries;

    public ShadowPromotion(ModelStore store, ShadowSummaries summaries) {
        this.store = store;
        this.summaries = summaries;
    }

    /** Promotes the shadowed challenger when the rule holds: PROMOTED (0), REJECTED (10), CONFLICT/LOCKED (30). */
    public RetrainReport run(RetrainConfig cfg) {
        StoreLock lock;
        try {
            lock = store.acquireLock(cfg.model(), RetrainRunner.LOCK_PURPOSE, "promote-shadowed", cfg.lockTtl());
        } catch (LockHeldException e) {
            return RetrainReport.early(
                    cfg.model(),
                    RetrainOutcome.LOCKED,
                    "another retrain is running: " + e.getMessage(),
                    null,
                    List.of());
        }
        try {
            return locked(cfg);
        } finally {
            store.releaseLock(lock);
        }
    }

    private RetrainReport locked(RetrainConfig cfg) {
        Map<String, Integer> aliases = store.aliases(cfg.model());
        Integer champion = aliases.get(cfg.promoteAlias());
        Integer challenger = aliases.get(cfg.shadow().alias());
        if (!cfg.shadow().enabled()) {
            return RetrainReport.early(
                    cfg.model(),
                    RetrainOutcome.REJECTED,
                    "no shadow rule is set ("
                            + RetrainSettings.GATE_MIN_SHADOW_AGREEMENT + ", "
                            + RetrainSettings.GATE_MIN_SHADOW_REQUESTS
                            + "): nothing to promote with --promote-shadowed",
                    null,
                    List.of());
        }
        if (champion == null || challenger == null || challenger.equals(champion)) {
            return RetrainReport.early(
                    cfg.model(),
                    RetrainOutcome.REJECTED,
                    "no challenger waiting: " + cfg.promoteAlias() + " -> " + champion + ", "
                            + cfg.shadow().alias() + " -> " + challenger,
                    null,
                    List.of());
        }
        ShadowGate.Verdict v = ShadowGate.judge(cfg.shadow(), summaries, cfg.model(), champion, challenger);
        if (!v.passed()) {
            return result(cfg, RetrainOutcome.REJECTED, "not promoted: " + v.text(), champion, challenger, v);
        }
        try {
            store.setAlias(
                    cfg.model(), cfg.promoteAlias(), challenger, champion, "shadowed challenger promoted: " + v.text());
        } catch (VersionConflictException e) {
            return result(
                    cfg,
                    RetrainOutcome.CONFLICT,
                    cfg.promoteAlias() + " moved while the shadow rule was checked;" + " not promoted",
                    champion,
                    challenger,
                    v);
        }
        return result(
                cfg,
                RetrainOutcome.PROMOTED,
                cfg.promoteAlias() + " -> " + cfg.model() + "/" + challenger + " (" + v.text() + ")",
                champion,
                challenger,
                v);
    }

    private static RetrainReport result(
            RetrainConfig cfg,
            RetrainOutcome outcome,
            String message,
            int champion,
            int challenger,
            ShadowGate.Verdict v) {
        return new RetrainReport(
                cfg.model(),
                outcome,
                outcome.exitCode(),
                message,
                null,
                List.of(),
                List.of(),
                champion,
                challenger,
                v.passed() ? List.of() : List.of(v.text()),
                List.of(v.text()),
                null,
                null,
                null,
                null);
    }
}
