package dev.hearth.bench;

import dev.hearth.testing.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code bin/hearth fleet} on free loopback ports, stopped and killed by its recorded PIDs on close. */
final class FleetProcess implements AutoCloseable {
    private final Path root;
    private final Path state;
    private final int port;

    FleetProcess(Path root, Path state, int replicas) throws IOException {
        this.root = root;
        this.state = state;
        Files.createDirectories(state);
        this.port = Ports.freeBlock(replicas + 2);
    }

    String balancerUrl() {
        return "http://127.0.0.1:" + port;
    }

    long pid(int i) throws IOException {
        return Long.parseLong(Files.readString(state.resolve("r" + i + ".pid")).strip());
    }

    void run(long timeoutSeconds, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(root.resolve("bin/hearth").toString(), "fleet"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        state.resolve("fleet-cmd.out").toFile()));
        pb.environment().put("HEARTH_FLEET_DIR", state.toString());
        pb.environment().put("HEARTH_FLEET_PORT", Integer.toString(port));
        pb.environment().put("HEARTH_FLEET_STATS_PORT", Integer.toString(port + 1));
        pb.environment().put("HEARTH_FLEET_REPLICA_PORT", Integer.toString(port + 2));
        pb.environment().put("HEARTH_SERVER_MEMORY", "512m");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(
                    "bin/hearth fleet " + args + " failed: " + Files.readString(state.resolve("fleet-cmd.out")));
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            run(120, List.of("stop"));
        } catch (RuntimeException e) {
            System.err.println("fleet: stop failed, killing by PID: " + e.getMessage());
        }
        try (var files = Files.list(state)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".pid"))
                    .toList()) {
                ProcessHandle.of(Long.parseLong(Files.readString(f).strip())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
