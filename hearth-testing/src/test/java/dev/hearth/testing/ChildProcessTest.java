package dev.hearth.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes (sh, sleep): output files, awaited lines, exit codes, stop of a whole process tree. */
class ChildProcessTest {
    @TempDir
    Path dir;

    @Test
    void outputAndErrorsGoToFilesAndTheExitCodeIsReturned() throws Exception {
        ChildProcess p = ChildProcess.builder(
                        "echo", List.of("sh", "-c", "echo out; echo err >&2; echo $GREETING; exit 3"))
                .env("GREETING", "hello")
                .logs(dir)
                .start();
        assertThat(p.waitFor(Duration.ofSeconds(20))).isEqualTo(3);
        assertThat(p.lines()).containsExactly("out", "hello");
        assertThat(p.errors()).isEqualTo("err\n");
        assertThat(p.outputFile()).isEqualTo(dir.resolve("echo.out"));
        assertThat(dir.resolve("echo.err")).hasContent("err");
    }

    @Test
    void awaitLineReturnsTheLineAndFailsWhenTheProcessExitsFirst() {
        try (ChildProcess p = ChildProcess.builder(
                        "ready", List.of("sh", "-c", "echo starting; echo 'listening on x'; sleep 30"))
                .logs(dir)
                .mergeErrors()
                .start()) {
            assertThat(p.awaitLine(l -> l.startsWith("listening on "), Duration.ofSeconds(20)))
                    .isEqualTo("listening on x");
        }
        ChildProcess quitter = ChildProcess.builder("quitter", List.of("sh", "-c", "echo bye; exit 1"))
                .logs(dir)
                .start();
        assertThatThrownBy(() -> quitter.awaitLine(l -> l.equals("never"), Duration.ofSeconds(20)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited (1)")
                .hasMessageContaining("bye");
    }

    @Test
    void stopEndsTheProcessAndEveryDescendant() {
        ChildProcess p = ChildProcess.builder("tree", List.of("sh", "-c", "sleep 60 & sleep 60 & echo up; wait"))
                .logs(dir)
                .start();
        p.awaitLine("up"::equals, Duration.ofSeconds(20));
        List<ProcessHandle> children = p.descendants();
        assertThat(children).hasSize(2);
        p.stop(Duration.ofSeconds(5));
        assertThat(p.isAlive()).isFalse();
        assertThat(children).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void waitForKillsAProcessThatOverrunsItsTimeout() {
        ChildProcess p =
                ChildProcess.builder("slow", List.of("sleep", "60")).logs(dir).start();
        assertThatThrownBy(() -> p.waitFor(Duration.ofMillis(200)))
                .isInstanceOf(TimeoutException.class)
                .hasMessageContaining("slow (pid " + p.pid() + ") did not finish");
        assertThat(p.isAlive()).isFalse();
    }

    @Test
    void awaitPortSeesAListenerAndANameMustBeAFileName() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ChildProcess p = ChildProcess.builder("idle", List.of("sleep", "60"))
                        .logs(dir)
                        .start()) {
            p.awaitPort("127.0.0.1", socket.getLocalPort(), Duration.ofSeconds(5));
        }
        assertThatThrownBy(() -> ChildProcess.builder("../x", List.of("true")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'../x'");
    }
}
