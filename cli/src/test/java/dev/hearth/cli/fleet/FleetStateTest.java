package dev.hearth.cli.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state directory's files and the fleet's settings from the environment. */
class FleetStateTest {
    @TempDir
    Path dir;

    @Test
    void recordsNAndTheServeOptionsOneALine() throws Exception {
        FleetState state = new FleetState(dir.resolve("a/b"));
        assertThat(state.replicas()).isZero();
        assertThat(state.serveArgs()).isEmpty();
        List<String> args = List.of("--store", "/data/my store", "--set", "serving.models=m@production");
        state.record(3, args);
        assertThat(Files.readString(dir.resolve("a/b/replicas"))).isEqualTo("3\n");
        assertThat(Files.readString(dir.resolve("a/b/serve.args")))
                .isEqualTo("--store\n/data/my store\n--set\nserving.models=m@production\n");
        assertThat(state.replicas()).isEqualTo(3);
        assertThat(state.serveArgs()).isEqualTo(args);
        state.record(1, List.of());
        assertThat(state.serveArgs()).isEmpty();
    }

    @Test
    void pidFilesAreFoundByReplicaNumberAndCheckedForALiveProcess() throws Exception {
        FleetState state = new FleetState(dir);
        assertThat(new FleetState(dir.resolve("missing")).replicasWithPidFiles())
                .isEmpty();
        long self = ProcessHandle.current().pid();
        FleetState.writePid(state.replicaPidFile(10), self);
        FleetState.writePid(state.replicaPidFile(2), self);
        Files.writeString(dir.resolve("haproxy.pid"), "not a pid\n");
        Files.writeString(dir.resolve("r0.pid"), "1\n");
        assertThat(state.replicasWithPidFiles()).containsExactly(2, 10);
        assertThat(FleetState.readPid(state.replicaPidFile(2))).isEqualTo(OptionalLong.of(self));
        assertThat(FleetState.alivePid(state.replicaPidFile(2))).isEqualTo(OptionalLong.of(self));
        assertThat(FleetState.readPid(state.haproxyPidFile())).isEmpty();
        assertThat(FleetState.readPid(state.replicaPidFile(3))).isEmpty();
        // A process that has exited is not alive any more.
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        FleetState.writePid(state.replicaPidFile(4), gone.pid());
        assertThat(FleetState.alivePid(state.replicaPidFile(4))).isEmpty();
    }

    @Test
    void settingsComeFromTheEnvironmentWithDefaults() {
        Path home = Path.of("/opt/hearth");
        FleetSettings d = FleetSettings.fromEnv(Map.of(), home);
        assertThat(d)
                .isEqualTo(new FleetSettings(home.resolve("var/fleet"), 8080, 9001, 8404, Duration.ofSeconds(180)));
        assertThat(d.replicaPort(3)).isEqualTo(9003);
        FleetSettings s = FleetSettings.fromEnv(
                Map.of(
                        FleetSettings.DIR, "/tmp/f",
                        FleetSettings.PORT, "18080",
                        FleetSettings.REPLICA_PORT, "19001",
                        FleetSettings.STATS_PORT, "18404",
                        FleetSettings.TIMEOUT, "5"),
                home);
        assertThat(s).isEqualTo(new FleetSettings(Path.of("/tmp/f"), 18080, 19001, 18404, Duration.ofSeconds(5)));
    }

    @Test
    void badSettingsNameTheVariableTheValueAndTheRule() {
        assertThat(error(FleetSettings.REPLICA_PORT, "70000"))
                .isEqualTo("HEARTH_FLEET_REPLICA_PORT must be a port from 1 to 65535 but was '70000'");
        assertThat(error(FleetSettings.STATS_PORT, " 1")).contains("but was ' 1'");
        assertThat(error(FleetSettings.TIMEOUT, "0"))
                .isEqualTo("HEARTH_FLEET_TIMEOUT must be a number of seconds from 1 to 86400 but was '0'");
        assertThat(error(FleetSettings.PORT, "99999999999")).contains("a port from 1 to 65535");
    }

    private static String error(String name, String value) {
        try {
            FleetSettings.fromEnv(Map.of(name, value), Path.of("."));
            throw new AssertionError(name + "=" + value + " accepted");
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
