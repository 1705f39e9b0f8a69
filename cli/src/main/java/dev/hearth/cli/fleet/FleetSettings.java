package dev.hearth.cli.fleet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where the fleet lives: its state directory ({@code HEARTH_FLEET_DIR}, default {@code var/fleet} under the Hearth
 * directory), the balancer's port ({@code HEARTH_FLEET_PORT}, 8080), the first replica's port
 * ({@code HEARTH_FLEET_REPLICA_PORT}, 9001; replica I listens on it + I - 1), HAProxy's stats port
 * ({@code HEARTH_FLEET_STATS_PORT}, 8404) and how long a replica may take to start or stop
 * ({@code HEARTH_FLEET_TIMEOUT} seconds, 180). Read from the environment once, each value checked.
 */
record FleetSettings(Path dir, int balancerPort, int replicaPort, int statsPort, Duration timeout) {
    static final String DIR = "HEARTH_FLEET_DIR";
    static final String PORT = "HEARTH_FLEET_PORT";
    static final String REPLICA_PORT = "HEARTH_FLEET_REPLICA_PORT";
    static final String STATS_PORT = "HEARTH_FLEET_STATS_PORT";
    static final String TIMEOUT = "HEARTH_FLEET_TIMEOUT";

    /**
     * The settings from environment variables {@code env}, defaults relative to {@code home}.
     *
     * @throws IllegalArgumentException a variable that is not a port or a positive number of seconds
     */
    static FleetSettings fromEnv(Map<String, String> env, Path home) {
        String dir = env.getOrDefault(DIR, "");
        return new FleetSettings(
                dir.isEmpty() ? home.resolve("var/fleet") : Path.of(dir),
                port(env, PORT, 8080),
                port(env, REPLICA_PORT, 9001),
                port(env, STATS_PORT, 8404),
                Duration.ofSeconds(number(env, TIMEOUT, 180, 1, 86_400, "a number of seconds from 1 to 86400")));
    }

    /** Replica {@code i}'s port (1-based). */
    int replicaPort(int i) {
        return replicaPort + i - 1;
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        return number(env, name, fallback, 1, 65_535, "a port from 1 to 65535");
    }

    private static int number(Map<String, String> env, String name, int fallback, int min, int max, String rule) {
        String value = env.getOrDefault(name, "");
        if (value.isEmpty()) {
            return fallback;
        }
        if (value.matches("[0-9]{1,9}")) {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        }
        throw new IllegalArgumentException(name + " must be " + rule + " but was '" + value + "'");
    }
}
