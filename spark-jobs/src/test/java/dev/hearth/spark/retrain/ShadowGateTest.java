package dev.hearth.spark.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.config.Settings;
import dev.hearth.runtime.TestNetworks;
import dev.hearth.spark.training.TrainSettings;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.ShadowSummary;
import dev.hearth.store.ShadowSummary.Pair;
import dev.hearth.store.Signature;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.store.hadoop.HadoopShadowSummaries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live-traffic rule: the pair champion -> challenger merged over the replicas' shadow summaries must reach the
 * minimum requests and agreement; --promote-shadowed promotes the challenger waiting on the shadow alias only then.
 */
class ShadowGateTest {
    @TempDir
    Path dir;

    private RetrainConfig config(String root, String... extra) {
        List<String> set = new ArrayList<>(List.of(
                TrainSettings.MODEL_NAME + "=iris",
                TrainSettings.STORE_ROOT + "=" + root,
                RetrainSettings.DATA_ROOT + "=" + dir.resolve("data"),
                RetrainSettings.EVAL_PATH + "=" + dir.resolve("eval.csv")));
        set.addAll(List.of(extra));
        Settings s = RetrainSettings.loader().load(null, set);
        return RetrainConfig.of(s);
    }

    @Test
    void promotesTheShadowedChallengerOnlyWhenTheMergedSummariesSatisfyTheRule() {
        String root = dir.resolve("store").toString();
        HadoopModelStore store = HadoopModelStore.open(root, new Configuration());
        Signature sig = new Signature(
                "input",
                "FP32",
                2,
                List.of("a", "b"),
                List.of("x", "y"),
                new NormalizerSpec("minmax", new double[] {0, 0}, new double[] {1, 1}, null, null));
        for (int i = 0; i < 2; i++) {
            TestNetworks.publish(store, "iris", ModelFiles.DL4J_MULTILAYER, sig, new byte[] {1, 2, 3});
        }
        store.setAlias("iris", "production", 1, null, "champion");
        store.setAlias("iris", "shadow", 2, null, "challenger");
        HadoopShadowSummaries summaries = new HadoopShadowSummaries(root, new Configuration());
        RetrainConfig cfg = config(
                root,
                RetrainSettings.GATE_MIN_SHADOW_AGREEMENT + "=0.9",
                RetrainSettings.GATE_MIN_SHADOW_REQUESTS + "=100");
        ShadowPromotion promotion = new ShadowPromotion(store, summaries);

        RetrainReport none = promotion.run(cfg);
        assertThat(none.outcome()).isEqualTo(RetrainOutcome.REJECTED);
        assertThat(none.message()).contains("0 requests shadowed", "need at least 100");

        summaries.write(new ShadowSummary("iris", "r1", 1, 0, List.of(new Pair(1, 2, false, 60, 60, 50, 0, 0, 0))));
        summaries.write(new ShadowSummary("iris", "r2", 1, 0, List.of(new Pair(1, 2, false, 60, 60, 50, 0, 0, 0))));
        RetrainReport low = promotion.run(cfg);
        assertThat(low.outcome()).isEqualTo(RetrainOutcome.REJECTED);
        assertThat(low.message()).contains("agreement 0.8333 < min 0.9000", "120 requests", "2 replica summaries");
        assertThat(store.aliases("iris").get("production")).isEqualTo(1);

        summaries.write(new ShadowSummary("iris", "r2", 2, 0, List.of(new Pair(1, 2, false, 600, 600, 595, 0, 0, 0))));
        RetrainReport ok = promotion.run(cfg);
        assertThat(ok.outcome()).isEqualTo(RetrainOutcome.PROMOTED);
        assertThat(ok.exitCode()).isZero();
        assertThat(store.aliases("iris").get("production")).isEqualTo(2);
        // Nothing waits any more: the shadow alias and production point to the same version.
        assertThat(promotion.run(cfg).message()).contains("no challenger waiting");
    }

    @Test
    void settingsAreValidated() {
        String root = dir.resolve("store").toString();
        assertThat(config(root).shadow().enabled()).isFalse();
        assertThat(config(root, RetrainSettings.GATE_MIN_SHADOW_AGREEMENT + "=0.95")
                        .shadow()
                        .minRequests())
                .isEqualTo(1);
        assertThatThrownBy(() -> config(root, RetrainSettings.GATE_MIN_SHADOW_AGREEMENT + "=1.5"))
                .hasMessageContaining(RetrainSettings.GATE_MIN_SHADOW_AGREEMENT);
        assertThatThrownBy(() -> config(
                        root,
                        RetrainSettings.GATE_MIN_SHADOW_REQUESTS + "=10",
                        RetrainSettings.GATE_SHADOW_ALIAS + "=production"))
                .hasMessageContaining("must differ");
    }
}
