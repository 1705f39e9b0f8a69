package dev.hearth.cli.fleet;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The fleet's operations: start N replicas and HAProxy in front, stop them by PID (replicas drain in parallel), show
 * their state, restart them one at a time. Each returns the command's exit code: 0 done, 1 failed (the message on
 * stderr), 2 bad input; {@code status} returns 1 when a replica or HAProxy is not running or a replica is not ready.
 */
final class Fleet {
    private static final long POLL_MS = 250;

    private final FleetSettings settings;
    private final FleetState state;
    private final ReplicaLauncher launcher;
    private final FleetProbe probe;
    private final Path template;
    private final PrintWriter out;
    private final PrintWriter err;

    Fleet(
            FleetSettings settings,
            ReplicaLauncher launcher,
            FleetProbe probe,
            Path template,
            PrintWriter out,
            PrintWriter err) {
        this.settings = settings;
        this.state = new FleetState(settings.dir());
        this.launcher = launcher;
        this.probe = probe;
        this.template = template;
        this.out = out;
        this.err = err;
    }

    /** {@code fleet start N [serve options]}: replicas, then HAProxy once every replica is ready. */
    int start(int n, List<String> serveArgs) throws IOException, InterruptedException {
        if (FleetState.alivePid(state.haproxyPidFile()).isPresent()
                || !state.replicasWithPidFiles().isEmpty()) {
            return fail("a fleet is already recorded in " + state.dir() + " (bin/hearth fleet stop first)");
        }
        state.record(n, serveArgs);
        List<Integer> ports = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            startReplica(i, serveArgs);
            ports.add(settings.replicaPort(i));
        }
        for (int i = 1; i <= n; i++) {
            if (!awaitReady(i)) {
                stop();
                return 1;
            }
        }
        String config = HaproxyConfig.render(
                Files.readString(template, StandardCharsets.UTF_8),
                settings.balancerPort(),
                settings.statsPort(),
                ports);
        Files.writeString(state.haproxyConfig(), config, StandardCharsets.UTF_8);
        if (!launcher.checkBalancer(state.haproxyConfig())) {
            stop();
            return 1;
        }
        long haproxy = launcher.startBalancer(state.haproxyConfig(), state.haproxyOut());
        FleetState.writePid(state.haproxyPidFile(), haproxy);
        for (int i = 1; i <= n; i++) {
            if (!awaitBalancer(i)) {
                stop();
                return 1;
            }
        }
        say(
                out,
                "fleet: " + n + " replicas ready behind http://127.0.0.1:" + settings.balancerPort() + " (HAProxy pid "
                        + haproxy + ", state in " + state.dir() + ")");
        return 0;
    }

    /** {@code fleet stop}: SIGTERM to every replica at once (they drain in parallel), wait for each, then HAProxy. */
    int stop() throws IOException, InterruptedException {
        List<Integer> recorded = state.replicasWithPidFiles();
        for (int i : recorded) {
            FleetState.alivePid(state.replicaPidFile(i)).ifPresent(ReplicaLauncher::terminate);
        }
        for (int i : recorded) {
            stopReplica(i);
        }
        FleetState.alivePid(state.haproxyPidFile()).ifPresent(ReplicaLauncher::terminate);
        Files.deleteIfExists(state.haproxyPidFile());
        say(out, "fleet: stopped");
        return 0;
    }

    /** {@code fleet status}: one line per replica (PID and readiness) and one for HAProxy. */
    int status() throws IOException, InterruptedException {
        boolean down = false;
        int n = state.replicas();
        for (int i = 1; i <= n; i++) {
            int port = settings.replicaPort(i);
            OptionalLong pid = FleetState.alivePid(state.replicaPidFile(i));
            String line;
            if (pid.isPresent()) {
                int code = probe.readyCode(port);
                line = "pid " + pid.getAsLong() + " ready=" + FleetProbe.format(code);
                down |= code != 200;
            } else {
                line = "not running";
                down = true;
            }
            say(out, HaproxyConfig.serverName(i) + " 127.0.0.1:" + port + " " + line);
        }
        OptionalLong haproxy = FleetState.alivePid(state.haproxyPidFile());
        if (haproxy.isPresent()) {
            say(
                    out,
                    "haproxy 127.0.0.1:" + settings.balancerPort() + " pid " + haproxy.getAsLong()
                            + " (stats http://127.0.0.1:" + settings.statsPort() + "/stats)");
        } else {
            say(out, "haproxy not running");
            down = true;
        }
        return down ? 1 : 0;
    }

    /**
     * {@code fleet restart [I]}: each replica (or only replica {@code only}) in turn drained, stopped, started, ready
     * and seen UP by HAProxy before the next one.
     *
     * @param only the replica to restart, 0 for every one
     */
    int restart(int only) throws IOException, InterruptedException {
        int n = state.replicas();
        if (n == 0) {
            return fail("no fleet recorded in " + state.dir());
        }
        if (only > n) {
            say(err, "hearth fleet restart: I must be a replica number from 1 to " + n + " but was '" + only + "'");
            return 2;
        }
        List<String> serveArgs = state.serveArgs();
        for (int i = 1; i <= n; i++) {
            if (only != 0 && only != i) {
                continue;
            }
            stopReplica(i);
            long pid = startReplica(i, serveArgs);
            if (!awaitReady(i) || !awaitBalancer(i)) {
                return 1;
            }
            say(out, "fleet: " + HaproxyConfig.serverName(i) + " restarted (pid " + pid + ")");
        }
        return 0;
    }

    private long startReplica(int i, List<String> serveArgs) throws IOException {
        long pid =
                launcher.startReplica(i, settings.replicaPort(i), serveArgs, state.replicaOut(i), state.replicaLog(i));
        FleetState.writePid(state.replicaPidFile(i), pid);
        return pid;
    }

    /** SIGTERM to replica {@code i}, wait for it to exit; SIGKILL after the timeout. Removes its PID file. */
    private void stopReplica(int i) throws IOException, InterruptedException {
        Path pidFile = state.replicaPidFile(i);
        OptionalLong found = FleetState.alivePid(pidFile);
        if (found.isPresent()) {
            long pid = found.getAsLong();
            ReplicaLauncher.terminate(pid);
            if (!waitFor(() -> !ReplicaLauncher.alive(pid))) {
                say(
                        err,
                        "hearth fleet: " + HaproxyConfig.serverName(i) + " (pid " + pid + ") still running after "
                                + settings.timeout().toSeconds() + "s; SIGKILL");
                ReplicaLauncher.kill(pid);
            }
        }
        Files.deleteIfExists(pidFile);
    }

    /** Waits for replica {@code i}'s readiness to answer 200; false (message on stderr) if it exits or times out. */
    private boolean awaitReady(int i) throws IOException, InterruptedException {
        String name = HaproxyConfig.serverName(i);
        int port = settings.replicaPort(i);
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        while (System.nanoTime() < deadline) {
            if (probe.readyCode(port) == 200) {
                return true;
            }
            if (FleetState.alivePid(state.replicaPidFile(i)).isEmpty()) {
                String tail = tail(state.replicaLog(i), 20);
                if (!tail.isEmpty()) {
                    say(err, tail);
                }
                say(err, "hearth fleet: replica " + name + " exited");
                return false;
            }
            Thread.sleep(POLL_MS);
        }
        say(
                err,
                "hearth fleet: replica " + name + " not ready after "
                        + settings.timeout().toSeconds() + "s (see " + state.replicaLog(i) + ")");
        return false;
    }

    /** Waits until HAProxy's own health checks see replica {@code i} as UP. */
    private boolean awaitBalancer(int i) throws InterruptedException {
        String name = HaproxyConfig.serverName(i);
        if (waitFor(() -> probe.balancerSeesUp(settings.statsPort(), name))) {
            return true;
        }
        say(
                err,
                "hearth fleet: HAProxy does not see " + name + " UP after "
                        + settings.timeout().toSeconds() + "s");
        return false;
    }

    /** Polls {@code condition} every 250 ms until it holds (true) or the timeout passed (false). */
    private boolean waitFor(Condition condition) throws InterruptedException {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.holds()) {
                return true;
            }
            Thread.sleep(POLL_MS);
        }
        return condition.holds();
    }

    /** A condition polled by {@link #waitFor}. */
    @FunctionalInterface
    private interface Condition {
        boolean holds() throws InterruptedException;
    }

    private int fail(String message) {
        say(err, "hearth fleet: " + message);
        return 1;
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static void say(PrintWriter w, String line) {
        w.println(line);
        w.flush();
    }
}
