package dev.hearth.cli.fleet;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the fleet's processes so that they outlive the command that started them (stdin from /dev/null, output to
 * files in the state directory, nothing tied to this JVM) and signals them by PID, the way
 * {@code dev.hearth.cli.quickstart.LauncherProcess} starts its children: a replica is {@code bin/hearth serve --port P
 * --set server.replica.id=rI [serve options]} (the launcher execs Java, so the PID recorded is the server's own), the
 * balancer {@code haproxy -db -f haproxy.cfg}.
 */
final class ReplicaLauncher {
    private static final File NO_INPUT = new File("/dev/null");

    private final Path launcher;
    private final String haproxy;

    /**
     * @param launcher {@code bin/hearth}
     * @param haproxy the HAProxy executable (a name looked up on PATH, or a path)
     */
    ReplicaLauncher(Path launcher, String haproxy) {
        this.launcher = launcher;
        this.haproxy = haproxy;
    }

    /** The command line of replica {@code i} on {@code port}. */
    List<String> replicaCommand(int i, int port, List<String> serveArgs) {
        List<String> command = new ArrayList<>(List.of(
                launcher.toString(),
                "serve",
                "--port",
                Integer.toString(port),
                "--set",
                "server.replica.id=" + HaproxyConfig.serverName(i)));
        command.addAll(serveArgs);
        return command;
    }

    /** Starts replica {@code i}: stdout to {@code out} (truncated), stderr appended to {@code log}; returns its PID. */
    long startReplica(int i, int port, List<String> serveArgs, Path out, Path log) throws IOException {
        return new ProcessBuilder(replicaCommand(i, port, serveArgs))
                .redirectInput(ProcessBuilder.Redirect.from(NO_INPUT))
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start()
                .pid();
    }

    /** {@code haproxy -c -q -f config} with this command's output; whether HAProxy accepts the configuration. */
    boolean checkBalancer(Path config) throws IOException, InterruptedException {
        return new ProcessBuilder(haproxy, "-c", "-q", "-f", config.toString())
                        .inheritIO()
                        .redirectInput(ProcessBuilder.Redirect.from(NO_INPUT))
                        .start()
                        .waitFor()
                == 0;
    }

    /** Starts HAProxy in the foreground mode ({@code -db}) on {@code config}, output to {@code out}; its PID. */
    long startBalancer(Path config, Path out) throws IOException {
        return new ProcessBuilder(haproxy, "-db", "-f", config.toString())
                .redirectInput(ProcessBuilder.Redirect.from(NO_INPUT))
                .redirectOutput(out.toFile())
                .redirectErrorStream(true)
                .start()
                .pid();
    }

    /** SIGTERM to {@code pid} (a replica drains, then exits); false when it no longer runs. */
    static boolean terminate(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::destroy).orElse(false);
    }

    /** SIGKILL to {@code pid}. */
    static void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** Whether {@code pid} still runs. */
    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
