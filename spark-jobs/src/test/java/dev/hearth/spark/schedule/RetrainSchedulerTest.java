package dev.hearth.spark.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.hearth.config.SettingsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
        ScheduleConfig config = new ScheduleConfig(
                dir.resolve("state").toString(),
                null,
                List.of(new ScheduleConfig.Entry(
                        "digits", "0/2 * * * * ?", "UTC", List.of("/bin/sh", "-c", script), "run-once", null)));

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
        assertThat(fires.get(lastFires.size()).compareTo(lastFires.get(lastFires.size() - 1)))
                .isPositive();
        assertThat(log).allMatch(l -> l.endsWith("\t0\tpromoted"));
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
    void aRunPastItsTimeoutIsKilledWithItsDescendantsAndTheScheduleGoesOn() throws Exception {
        Path pids = dir.resolve("pids");
        // A hung retrain: a shell with a background and a foreground child, all sleeping far past the timeout.
        String script = "sleep 600 & echo $! >> " + pids + "; echo $$ >> " + pids + "; sleep 600";
        ScheduleConfig config = new ScheduleConfig(
                dir.resolve("state").toString(),
                "2s",
                List.of(new ScheduleConfig.Entry(
                        "digits", "0/2 * * * * ?", "UTC", List.of("/bin/sh", "-c", script), "skip", "1s")));
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            RetrainScheduler scheduler = new RetrainScheduler(config);
            scheduler.start();
            try {
                awaitRuns(2);
            } finally {
                scheduler.stop(true);
            }
        });
        List<String> log = Files.readAllLines(dir.resolve("state/runs.log"));
        assertThat(log).hasSizeGreaterThanOrEqualTo(2);
        for (String line : log) {
            String[] f = line.split("\t");
            assertThat(f).hasSize(6);
            // the child's own status: the shell ended by SIGTERM (128 + 15)
            assertThat(f[4]).as(line).isEqualTo("143");
            assertThat(f[5]).isEqualTo("timed out after 1s; killed");
            Duration took = Duration.between(Instant.parse(f[2]), Instant.parse(f[3]));
            assertThat(took).as(line).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
        }
        List<String> started = Files.readAllLines(pids);
        assertThat(started).hasSizeGreaterThanOrEqualTo(2 * log.size());
        for (String pid : started) {
            assertThat(ProcessHandle.of(Long.parseLong(pid.strip()))
                            .map(ChildProcessRunner::running)
                            .orElse(false))
                    .as("process %s of a killed run", pid)
                    .isFalse();
        }
    }

    @Test
    void timeoutsAreValidatedAndDefaulted() throws Exception {
        ScheduleConfig.Entry none = new ScheduleConfig.Entry("m", "0 0 3 * * ?", "UTC", List.of("true"), null, null);
        assertThat(none.timeoutDuration()).isEqualTo(Duration.ofHours(6));
        assertThat(new ScheduleConfig("/tmp/x", null, List.of()).killGraceDuration())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(ScheduleConfig.duration("t", "90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ScheduleConfig.duration("t", "1d")).isEqualTo(Duration.ofDays(1));
        assertThat(ScheduleConfig.duration("t", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(ScheduleConfig.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(ScheduleConfig.format(Duration.ofHours(48))).isEqualTo("2d");
        for (String bad : List.of("0s", "2 hours", "-1h", "PT2H", "1.5h", "")) {
            Path f = dir.resolve("bad.yaml");
            Files.writeString(f, """
                    stateDir: /tmp/x
                    schedules:
                      - model: digits
                        cron: "0 0 3 * * ?"
                        timeZone: UTC
                        timeout: "%s"
                        command: [bin/hearth, retrain]
                    """.formatted(bad));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScheduleConfig.load(f))
                    .isInstanceOf(SettingsException.class)
                    .hasMessage("schedules[digits].timeout must be a positive duration like 90s, 45m, 2h or 1d"
                            + " (number and unit ms|s|m|h|d) but was '" + bad + "'");
        }
        Path grace = dir.resolve("grace.yaml");
        Files.writeString(grace, "stateDir: /tmp/x\nkillGrace: soon\nschedules: []\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScheduleConfig.load(grace))
                .hasMessageStartingWith("killGrace must be a positive duration")
                .hasMessageContaining("'soon'");
    }

    @Test
    void missedFirePolicy() throws Exception {
        Path state = Files.createDirectories(dir.resolve("s"));
        ScheduleConfig.Entry runOnce =
                new ScheduleConfig.Entry("m", "0 0 3 * * ?", "Europe/Berlin", List.of("true"), null, null);
        assertThat(RetrainScheduler.missedFire(runOnce, state, Instant.parse("2026-11-05T12:00:00Z")))
                .isNull();
        Files.writeString(state.resolve("m.last-fire"), "2026-11-02T02:00:00Z");
        // 03:00 Berlin = 02:00 UTC in November; three fires were missed, one catch-up run for the latest
        assertThat(RetrainScheduler.missedFire(runOnce, state, Instant.parse("2026-11-05T12:00:00Z")))
                .isEqualTo(Instant.parse("2026-11-05T02:00:00Z"));
        assertThat(RetrainScheduler.missedFire(runOnce, state, Instant.parse("2026-11-03T01:59:00Z")))
                .isNull();
        ScheduleConfig.Entry skip =
                new ScheduleConfig.Entry("m", "0 0 3 * * ?", "Europe/Berlin", List.of("true"), "skip", null);
        assertThat(RetrainScheduler.missedFire(skip, state, Instant.parse("2026-11-05T12:00:00Z")))
                .isNull();
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
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("timeZone is required");
        Path conf = dev.hearth.spark.LocalSpark.projectRoot().resolve("conf/schedules.yaml");
        ScheduleConfig shipped = ScheduleConfig.load(conf);
        assertThat(shipped.schedules()).isNotEmpty();
        assertThat(shipped.schedules().get(0).timeoutDuration()).isEqualTo(Duration.ofHours(2));
        assertThat(shipped.killGraceDuration()).isEqualTo(ScheduleConfig.DEFAULT_KILL_GRACE);
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
