package dev.hearth.cli.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The fleet's state directory ({@code HEARTH_FLEET_DIR}): {@code replicas} (N), {@code serve.args} (the serve
 * options of {@code fleet start}, one a line), {@code rI.pid} and {@code haproxy.pid} (one PID each),
 * {@code rI.out}/{@code rI.log} (a replica's stdout and stderr), {@code haproxy.cfg} and {@code haproxy.out}.
 * Reads and writes those files only; whether a recorded PID still runs is asked of the operating system.
 */
final class FleetState {
    /** Most replicas a fleet has (two digits). */
    static final int MAX_REPLICAS = 99;

    private static final Pattern REPLICA_PID = Pattern.compile("r([1-9][0-9]?)\\.pid");
    private static final Pattern PID = Pattern.compile("[1-9][0-9]{0,18}");

    private final Path dir;

    FleetState(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /**
     * Parses N of {@code fleet start N}.
     *
     * @throws IllegalArgumentException not a number from 1 to 99
     */
    static int parseReplicas(String n) {
        if (n == null || !n.matches("[1-9][0-9]?")) {
            throw new IllegalArgumentException("N must be a number of replicas from 1 to " + MAX_REPLICAS + " but was '"
                    + (n == null ? "" : n) + "'");
        }
        return Integer.parseInt(n);
    }

    /** Records a new fleet: N and the serve options. */
    void record(int replicas, List<String> serveArgs) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("serve.args"), serveArgs, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("replicas"), replicas + "\n", StandardCharsets.UTF_8);
    }

    /**
     * N of the recorded fleet; 0 when none was recorded.
     *
     * @throws IllegalStateException the file holds something else than a number of replicas
     */
    int replicas() throws IOException {
        Path f = dir.resolve("replicas");
        if (!Files.exists(f)) {
            return 0;
        }
        String text = Files.readString(f, StandardCharsets.UTF_8).strip();
        try {
            return parseReplicas(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    f + " must hold a number of replicas from 1 to " + MAX_REPLICAS + " but holds '" + text + "'");
        }
    }

    /** The serve options recorded by {@code fleet start}, in order (none when the file is missing). */
    List<String> serveArgs() throws IOException {
        Path f = dir.resolve("serve.args");
        return Files.exists(f) ? Files.readAllLines(f, StandardCharsets.UTF_8) : List.of();
    }

    Path replicaPidFile(int i) {
        return dir.resolve(HaproxyConfig.serverName(i) + ".pid");
    }

    Path replicaOut(int i) {
        return dir.resolve(HaproxyConfig.serverName(i) + ".out");
    }

    Path replicaLog(int i) {
        return dir.resolve(HaproxyConfig.serverName(i) + ".log");
    }

    Path haproxyPidFile() {
        return dir.resolve("haproxy.pid");
    }

    Path haproxyConfig() {
        return dir.resolve("haproxy.cfg");
    }

    Path haproxyOut() {
        return dir.resolve("haproxy.out");
    }

    /** The replica numbers that have a PID file, ascending. */
    List<Integer> replicasWithPidFiles() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Integer> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Matcher m = REPLICA_PID.matcher(f.getFileName().toString());
                if (m.matches()) {
                    found.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        found.sort(null);
        return found;
    }

    /** Writes {@code pid} to {@code file}. */
    static void writePid(Path file, long pid) throws IOException {
        Files.writeString(file, pid + "\n", StandardCharsets.UTF_8);
    }

    /** The PID in {@code file}; empty when the file is missing or holds no PID. */
    static OptionalLong readPid(Path file) throws IOException {
        if (!Files.exists(file)) {
            return OptionalLong.empty();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        return PID.matcher(text).matches() ? OptionalLong.of(Long.parseLong(text)) : OptionalLong.empty();
    }

    /** The PID in {@code file} if that process still runs. */
    static OptionalLong alivePid(Path file) throws IOException {
        OptionalLong pid = readPid(file);
        if (pid.isPresent()
                && ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false)) {
            return pid;
        }
        return OptionalLong.empty();
    }
}
