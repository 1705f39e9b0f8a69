package dev.hearth.cli.fleet;

import dev.hearth.testing.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/hearth fleet} as the tests use it: N replica JVMs (the packaged serving jar) and HAProxy on free
 * loopback ports, state in a temporary directory. {@link #close()} stops the fleet and then kills, by the PIDs the
 * command recorded, anything still running.
 */
final class FleetProcess implements AutoCloseable {
    private final Path root;
    private final Path state;
    private final int balancerPort;
    private final int replicaPort;
    private final int statsPort;
    private final String memory;

    FleetProcess(Path state, int replicas, String memory) throws IOException {
        this.root = Path.of(System.getProperty("hearth.root", ".."))
                .toAbsolutePath()
                .normalize();
        this.state = state;
        this.memory = memory;
        // One block of consecutive free ports: balancer, stats, then the replicas' block last.
        int first = Ports.freeBlock(replicas + 2);
        this.balancerPort = first;
        this.statsPort = first + 1;
        this.replicaPort = first + 2;
    }

    String balancerUrl() {
        return "http://127.0.0.1:" + balancerPort;
    }

    String replicaUrl(int i) {
        return "http://127.0.0.1:" + (replicaPort + i - 1);
    }

    /** Runs {@code bin/hearth fleet ARGS} to completion (bounded); returns its output, fails on a non-zero exit. */
    String run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(root.resolve("bin/hearth").toString(), "fleet"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true);
        Path out = Files.createTempFile(state, "fleet-cmd", ".out");
        pb.redirectOutput(out.toFile());
        Map<String, String> env = pb.environment();
        env.put("HEARTH_FLEET_DIR", state.toString());
        env.put("HEARTH_FLEET_PORT", Integer.toString(balancerPort));
        env.put("HEARTH_FLEET_STATS_PORT", Integer.toString(statsPort));
        env.put("HEARTH_FLEET_REPLICA_PORT", Integer.toString(replicaPort));
        env.put("HEARTH_SERVER_MEMORY", memory);
        env.put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException("bin/hearth fleet " + String.join(" ", args) + " did not finish within "
                    + timeoutSeconds + " s: " + Files.readString(out));
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(
                    "bin/hearth fleet " + String.join(" ", args) + " exited " + p.exitValue() + ": " + text + logs());
        }
        return text;
    }

    /** The PID the fleet recorded for replica {@code i}. */
    long pid(int i) throws IOException {
        return Long.parseLong(Files.readString(state.resolve("r" + i + ".pid")).strip());
    }

    /** The replicas' stderr, last lines, for failure messages. */
    String logs() {
        StringBuilder b = new StringBuilder();
        try (var files = Files.list(state)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".log"))
                    .sorted()
                    .toList()) {
                List<String> lines = Files.readAllLines(f);
                b.append("\n--- ")
                        .append(f.getFileName())
                        .append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
            }
        } catch (IOException e) {
            b.append(e);
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            run(120, "stop");
        } catch (RuntimeException e) {
            // Fall through to the PID files.
        }
        try (var files = Files.list(state)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".pid"))
                    .toList()) {
                long pid = Long.parseLong(Files.readString(f).strip());
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
