package dev.hearth.store.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.store.ShadowSummary;
import dev.hearth.store.ShadowSummary.Pair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One file per replica, replaced whole; a reader merges them per pair of versions and skips hostile files. */
class HadoopShadowSummariesTest {
    @TempDir
    Path dir;

    @Test
    void replicasWriteTheirOwnFilesAndAReaderMergesThemPerPair() throws Exception {
        HadoopShadowSummaries summaries = new HadoopShadowSummaries(dir.toString(), new Configuration());
        assertThat(summaries.read("iris")).isEmpty();
        summaries.write(new ShadowSummary("iris", "r1", 1, 0, List.of(new Pair(1, 2, false, 10, 10, 7, 0, 0, 0))));
        summaries.write(new ShadowSummary("iris", "r1", 2, 3, List.of(new Pair(1, 2, false, 20, 20, 15, 0, 0, 1))));
        summaries.write(new ShadowSummary(
                "iris",
                "r2",
                2,
                0,
                List.of(new Pair(1, 2, false, 30, 40, 25, 0, 0, 0), new Pair(2, 3, false, 5, 5, 5, 0, 0, 0))));
        List<ShadowSummary> all = summaries.read("iris");
        assertThat(all).extracting(ShadowSummary::replica).containsExactlyInAnyOrder("r1", "r2");
        Pair merged = ShadowSummary.merged(all, 1, 2);
        assertThat(merged.requests()).isEqualTo(50);
        assertThat(merged.rows()).isEqualTo(60);
        assertThat(merged.agreement()).isEqualTo(40.0 / 60);
        assertThat(merged.failed()).isEqualTo(1);
        assertThat(ShadowSummary.merged(all, 3, 4)).isNull();

        Path shadowDir = dir.resolve("iris/_rollout/shadow");
        Files.writeString(
                shadowDir.resolve("evil.json"),
                "{\"formatVersion\":1,\"model\":\"iris\",\"replica\":\"evil\","
                        + "\"updated\":1,\"dropped\":0,\"pairs\":[{\"primary\":1,\"shadow\":2,\"regression\":false,"
                        + "\"requests\":1,\"rows\":1,\"agreeing_rows\":99,\"abs_diff_sum\":0,\"values\":0,\"failed\":0}]}");
        Files.writeString(shadowDir.resolve("future.json"), "{\"formatVersion\":9,\"model\":\"iris\"}");
        Files.writeString(shadowDir.resolve("junk.json"), "not json");
        assertThat(summaries.read("iris")).extracting(ShadowSummary::replica).containsExactlyInAnyOrder("r1", "r2");
        // The store itself is not disturbed by the _rollout directory.
        assertThat(HadoopModelStore.open(dir.toString(), new Configuration()).listModels())
                .isEmpty();
    }

    @Test
    void inconsistentCountsAreRefusedWithTheNumbers() {
        assertThatThrownBy(() -> new Pair(1, 2, false, 1, 1, 2, 0, 0, 0)).hasMessageContaining("agreeing 2");
        assertThatThrownBy(() -> new Pair(0, 2, false, 1, 1, 1, 0, 0, 0)).hasMessageContaining(">= 1");
    }
}
