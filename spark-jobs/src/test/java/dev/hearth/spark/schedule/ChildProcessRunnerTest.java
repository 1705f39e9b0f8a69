package dev.hearth.spark.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessRunnerTest {
    @TempDir
    Path dir;

    @Test
    void aRunWithinItsTimeoutKeepsItsExitCode() throws Exception {
        ChildProcessRunner.Outcome o = new ChildProcessRunner(Duration.ofSeconds(1))
                .run(List.of("/bin/sh", "-c", "exit 20"), Duration.ofSeconds(30));
        assertThat(o.exitCode()).isEqualTo(20);
        assertThat(o.timedOut()).isFalse();
        assertThat(o.processesSignalled()).isZero();
    }

    @Test
    void aTreeIgnoringSigtermGetsSigkillAfterTheGrace() throws Exception {
        Path pids = dir.resolve("pids");
        // SIGTERM ignored by the shell and (inherited) by both sleeps: only SIGKILL ends them.
        String script = "trap '' TERM; sleep 600 & echo $! >> " + pids + "; sleep 600 & echo $! >> " + pids
                + "; echo $$ >> " + pids + "; wait";
        long t0 = System.nanoTime();
        ChildProcessRunner.Outcome o = assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> new ChildProcessRunner(Duration.ofMillis(700))
                        .run(List.of("/bin/sh", "-c", script), Duration.ofSeconds(1)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(o.timedOut()).isTrue();
        assertThat(o.forced()).isTrue();
        assertThat(o.exitCode()).as("128 + SIGKILL").isEqualTo(137);
        assertThat(o.processesSignalled()).isEqualTo(3);
        assertThat(ms).isBetween(1_600L, 10_000L);
        List<String> started = Files.readAllLines(pids);
        assertThat(started).hasSize(3).contains(Long.toString(o.pid()));
        for (String pid : started) {
            assertThat(ProcessHandle.of(Long.parseLong(pid))
                            .map(ChildProcessRunner::running)
                            .orElse(false))
                    .as("pid %s", pid)
                    .isFalse();
        }
    }

    @Test
    void descendantsDieWhenTheChildExitsOnSigterm() throws Exception {
        Path pids = dir.resolve("pids");
        String script = "sleep 600 & echo $! >> " + pids + "; sleep 600";
        long t0 = System.nanoTime();
        ChildProcessRunner.Outcome o = assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> new ChildProcessRunner(Duration.ofSeconds(20))
                        .run(List.of("/bin/sh", "-c", script), Duration.ofMillis(800)));
        assertThat(o.timedOut()).isTrue();
        assertThat(o.forced()).as("SIGTERM was enough").isFalse();
        assertThat((System.nanoTime() - t0) / 1_000_000)
                .as("no wait for the 20 s grace")
                .isLessThan(5_000);
        assertThat(o.exitCode()).isEqualTo(143);
        long orphan = Long.parseLong(Files.readAllLines(pids).get(0));
        assertThat(ProcessHandle.of(orphan).map(ChildProcessRunner::running).orElse(false))
                .isFalse();
    }
}
