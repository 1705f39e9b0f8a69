package dev.hearth.cli.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hearth fleet}'s arguments, exit codes and messages where no process starts: bad N, bad I, an unknown
 * subcommand, a bad environment variable, a fleet already recorded, and stop/status/restart of no fleet. The real
 * fleet (replicas, HAProxy, drain, rolling restart) runs in {@code FleetIT}.
 */
class FleetCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of(
                "--launcher",
                dir.resolve("no-launcher").toString(),
                "--home",
                dir.toString(),
                "--conf",
                dir.toString()));
        all.addAll(List.of(args));
        var cl = FleetCommand.commandLine(env);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(all.toArray(String[]::new));
    }

    private int run(String... args) {
        return run(Map.of(FleetSettings.DIR, dir.resolve("fleet").toString()), args);
    }

    @Test
    void nMustBeANumberOfReplicasFrom1To99() {
        for (String bad : List.of("x", "0", "100", "-1", "--store", "07")) {
            assertThat(run("start", bad, "--store", "s")).as(bad).isEqualTo(2);
            assertThat(err.toString())
                    .contains("hearth fleet start: N must be a number of replicas from 1 to 99 but was '" + bad + "'");
        }
        assertThat(run("start")).isEqualTo(2);
        assertThat(err.toString()).contains("but was ''");
        assertThat(dir.resolve("fleet")).doesNotExist();
    }

    @Test
    void anUnknownSubcommandIsNamedWithTheKnownOnes() {
        assertThat(run("launch", "3")).isEqualTo(2);
        assertThat(err.toString())
                .contains("hearth fleet: unknown subcommand 'launch' (start N [serve options] | stop | status |"
                        + " restart [I])");
    }

    @Test
    void noFleetRecorded() throws Exception {
        assertThat(run("stop")).isZero();
        assertThat(out.toString()).isEqualTo("fleet: stopped\n");
        assertThat(run("restart")).isEqualTo(1);
        assertThat(err.toString()).contains("hearth fleet: no fleet recorded in " + dir.resolve("fleet"));
        // Without a subcommand: status, which fails when HAProxy does not run.
        assertThat(run()).isEqualTo(1);
        assertThat(out.toString()).endsWith("haproxy not running\n");
    }

    @Test
    void statusOfAFleetWhoseProcessesAreGoneSaysSoAndFails() throws Exception {
        new FleetState(dir.resolve("fleet")).record(2, List.of("--store", "s"));
        assertThat(run("status")).isEqualTo(1);
        assertThat(out.toString())
                .isEqualTo("r1 127.0.0.1:9001 not running\nr2 127.0.0.1:9002 not running\nhaproxy not running\n");
    }

    @Test
    void iMustBeAReplicaOfTheFleet() throws Exception {
        new FleetState(dir.resolve("fleet")).record(2, List.of());
        assertThat(run("restart", "x")).isEqualTo(2);
        assertThat(err.toString())
                .contains("hearth fleet restart: I must be a replica number from 1 to 99 but was 'x'");
        assertThat(run("restart", "3")).isEqualTo(2);
        assertThat(err.toString()).contains("hearth fleet restart: I must be a replica number from 1 to 2 but was '3'");
    }

    @Test
    void aFleetAlreadyRecordedIsNotStartedAgain() throws Exception {
        Path state = dir.resolve("fleet");
        Files.createDirectories(state);
        // A PID file, even of a process that is gone: stop first (it cleans up).
        FleetState.writePid(state.resolve("r1.pid"), ProcessHandle.current().pid());
        assertThat(run("start", "2")).isEqualTo(1);
        assertThat(err.toString())
                .contains("hearth fleet: a fleet is already recorded in " + state + " (bin/hearth fleet stop first)");
        assertThat(state.resolve("replicas")).doesNotExist();
    }

    @Test
    void aBadPortVariableIsRefusedWithItsNameValueAndRule() {
        assertThat(run(Map.of(FleetSettings.DIR, dir.toString(), FleetSettings.PORT, "80x"), "status"))
                .isEqualTo(2);
        assertThat(err.toString())
                .contains("hearth fleet: HEARTH_FLEET_PORT must be a port from 1 to 65535 but was '80x'");
    }

    @Test
    void aCorruptReplicasFileIsNamed() throws Exception {
        Path state = dir.resolve("fleet");
        Files.createDirectories(state);
        Files.writeString(state.resolve("replicas"), "three\n");
        assertThat(run("status")).isEqualTo(1);
        assertThat(err.toString())
                .contains(state.resolve("replicas") + " must hold a number of replicas from 1 to 99 but holds 'three'");
    }
}
