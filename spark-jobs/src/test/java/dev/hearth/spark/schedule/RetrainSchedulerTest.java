package dev.hearth.spark.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.config.SettingsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetrainSchedulerTest {
    @TempDir
    Path dir;

    @Test
    void everyFireRunsOnceWithoutOverlapAndARestartedSchedulerResumes() throws Exception {
        Path runs = dir.resolve("child.log");
        // The child takes longer than the cron period, so fires come due while a run is still going.
        String script = "echo \"start {fireTime} $(date +%s%N)\" >> " + runs + "; sleep 3; echo \"end {fireTime}"
                + " $(date +%s%N)\" >> " + runs;
        ScheduleConfig config = new ScheduleConfig(dir.resolve("state").toString(), List.of(new ScheduleConfig.Entry(
                "digits", "0/2 * * * * ?", "UTC", List.of("/bin/sh", "-c", script), "run-once")));

        RetrainScheduler first = new RetrainScheduler(config);
        first.start();
        int before = awaitRuns(2);
        first.stop(true);
        List<String> lastFires = fires();
        Thread.sleep(4_500); // fires missed while down
        RetrainScheduler second = new RetrainScheduler(config);
        second.start();
        awaitRuns(before + 2);
        second.stop(true);

        List<String> log = Files.readAllLines(dir.resolve("state/runs.log"));
        List<String> fires = fires();
        assertThat(new HashSet<>(fires)).as("each fire runs exactly once").hasSameSizeAs(fires);
        assertThat(fires).isSorted();
        assertThat(fires.get(lastFires.size()).compareTo(lastFires.get(lastFires.size() - 1))).isPositive();
        assertThat(log).allMatch(l -> l.endsWith("\t0"));
        // child intervals: start/end strictly alternate and belong to the same fire
        List<String> child = Files.readAllLines(runs);
        assertThat(child).hasSize(2 * fires.size());
        long lastEnd = 0;
        for (int i = 0; i < child.size(); i += 2) {
            String[] s = child.get(i).split(" ");
            String[] e = child.get(i + 1).split(" ");
            assertThat(s[0]).isEqualTo("start");
            assertThat(e[0]).isEqualTo("end");
            assertThat(e[1]).isEqualTo(s[1]);
            assertThat(Long.parseLong(s[2])).isGreaterThanOrEqualTo(lastEnd);
            lastEnd = Long.parseLong(e[2]);
        }
        // the restarted scheduler's first run is the catch-up of the fire missed while it was down
        assertThat(fires.get(lastFires.size())).isNotIn(lastFires);
    }

    @Test
    void missedFirePolicy() throws Exception {
        Path state = Files.createDirectories(dir.resolve("s"));
        ScheduleConfig.Entry runOnce = new ScheduleConfig.Entry("m", "0 0 3 * * ?", "Europe/Berlin", List.of("true"),
                null);
        assertThat(RetrainScheduler.missedFire(runOnce, state, Instant.parse("2026-11-05T12:00:00Z"))).isNull();
        Files.writeString(state.resolve("m.last-fire"), "2026-11-02T02:00:00Z");
        // 03:00 Berlin = 02:00 UTC in November; three fires were missed, one catch-up run for the latest
        assertThat(RetrainScheduler.missedFire(runOnce, state, Instant.parse("2026-11-05T12:00:00Z")))
                .isEqualTo(Instant.parse("2026-11-05T02:00:00Z"));
        assertThat(RetrainScheduler.missedFire(runOnce, state, Instant.parse("2026-11-03T01:59:00Z"))).isNull();
        ScheduleConfig.Entry skip = new ScheduleConfig.Entry("m", "0 0 3 * * ?", "Europe/Berlin", List.of("true"),
                "skip");
        assertThat(RetrainScheduler.missedFire(skip, state, Instant.parse("2026-11-05T12:00:00Z"))).isNull();
    }

    @Test
    void schedulesFileIsValidated() throws Exception {
        Path f = dir.resolve("s.yaml");
        Files.writeString(f, """
                stateDir: /tmp/x
                schedules:
                  - model: digits
                    cron: "0 0 3 * * ?"
                    command: [bin/hearth, retrain]
                """);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScheduleConfig.load(f))
                .isInstanceOf(SettingsException.class).hasMessageContaining("timeZone is required");
        Path conf = dev.hearth.spark.LocalSpark.projectRoot().resolve("conf/schedules.yaml");
        assertThat(ScheduleConfig.load(conf).schedules()).isNotEmpty();
    }

    private List<String> fires() throws Exception {
        List<String> out = new ArrayList<>();
        Path log = dir.resolve("state/runs.log");
        if (Files.exists(log)) {
            for (String l : Files.readAllLines(log)) {
                out.add(l.split("\t")[1]);
            }
        }
        return out;
    }

    private int awaitRuns(int n) throws Exception {
        for (int i = 0; i < 600 && fires().size() < n; i++) {
            Thread.sleep(100);
        }
        assertThat(fires()).hasSizeGreaterThanOrEqualTo(n);
        return fires().size();
    }
}
