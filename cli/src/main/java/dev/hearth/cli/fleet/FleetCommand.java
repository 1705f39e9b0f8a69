package dev.hearth.cli.fleet;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code hearth fleet start N [serve options] | stop | status | restart [I]}: N replicas of the server on loopback
 * ports behind HAProxy (template {@code conf/haproxy.cfg}), recorded by PID in {@code HEARTH_FLEET_DIR}; without a
 * subcommand, {@code status}. Turns arguments and environment into a {@link Fleet} call; exit codes 0 done, 1
 * failed (or, for status, something not running or not ready), 2 bad input.
 */
@Command(
        name = "fleet",
        mixinStandardHelpOptions = true,
        description = "N server replicas behind HAProxy on loopback: start N [serve options] | stop | status |"
                + " restart [I].")
public final class FleetCommand implements Callable<Integer> {
    private static final String SUBCOMMANDS = "start N [serve options] | stop | status | restart [I]";

    @Spec
    CommandSpec spec;

    // Filled in by bin/hearth, not by the user: hidden from the usage.
    @Option(
            names = "--launcher",
            required = true,
            hidden = true,
            paramLabel = "PATH",
            description = "bin/hearth, which runs the replicas (serve)")
    Path launcher;

    @Option(
            names = "--home",
            required = true,
            hidden = true,
            paramLabel = "DIR",
            description = "the Hearth directory (var/fleet)")
    Path home;

    @Option(
            names = "--conf",
            required = true,
            hidden = true,
            paramLabel = "DIR",
            description = "configuration directory (haproxy.cfg)")
    Path conf;

    @Unmatched
    List<String> unknown;

    private final Map<String, String> env;

    /** A command reading the fleet's settings from {@code env} (the process environment in {@link #main}). */
    FleetCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws Exception {
        if (unknown != null && !unknown.isEmpty()) {
            err().println("hearth fleet: unknown subcommand '" + unknown.get(0) + "' (" + SUBCOMMANDS + ")");
            return 2;
        }
        return status();
    }

    @Command(name = "start", description = "Start N replicas (serve options go to each) and HAProxy in front.")
    int start(
            @Parameters(
                            arity = "0..*",
                            paramLabel = "N [serve options]",
                            description = "replicas (1-99), then serve's options")
                    List<String> args)
            throws Exception {
        String n = args == null || args.isEmpty() ? "" : args.get(0);
        int replicas;
        try {
            replicas = FleetState.parseReplicas(n);
        } catch (IllegalArgumentException e) {
            err().println("hearth fleet start: " + e.getMessage());
            return 2;
        }
        return fleet().start(replicas, args.subList(1, args.size()));
    }

    @Command(name = "stop", description = "SIGTERM every replica by PID (they drain in parallel), then HAProxy.")
    int stop() throws Exception {
        return fleet().stop();
    }

    @Command(name = "status", description = "Each replica's PID and readiness, HAProxy's PID; exit 1 if any is down.")
    int status() throws Exception {
        return fleet().status();
    }

    @Command(name = "restart", description = "Rolling restart with drain, one replica at a time (or only replica I).")
    int restart(@Parameters(arity = "0..1", paramLabel = "I", description = "only this replica") String only)
            throws Exception {
        int replica = 0;
        if (only != null) {
            if (!only.matches("[1-9][0-9]?")) {
                err().println("hearth fleet restart: I must be a replica number from 1 to " + FleetState.MAX_REPLICAS
                        + " but was '" + only + "'");
                return 2;
            }
            replica = Integer.parseInt(only);
        }
        return fleet().restart(replica);
    }

    private Fleet fleet() {
        CommandLine cl = spec.commandLine();
        return new Fleet(
                FleetSettings.fromEnv(env, home),
                new ReplicaLauncher(launcher, "haproxy"),
                new FleetProbe(),
                conf.resolve("haproxy.cfg"),
                cl.getOut(),
                cl.getErr());
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /**
     * The command line for {@link #main} and tests: after {@code start}'s N every argument, options included, is a
     * serve option for the replicas.
     */
    public static CommandLine commandLine(Map<String, String> env) {
        CommandLine cl = new CommandLine(new FleetCommand(env));
        CommandLine start = cl.getSubcommands().get("start");
        start.setStopAtPositional(true);
        start.setUnmatchedOptionsArePositionalParams(true);
        // A bad environment variable (a port that is not one) is bad input: its message, exit code 2. A state file
        // that does not parse, or a process that cannot start (no haproxy on PATH): its message, exit code 1.
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                line.getErr().println("hearth fleet: " + e.getMessage());
                return 2;
            }
            if (e instanceof IllegalStateException || e instanceof IOException) {
                line.getErr().println("hearth fleet: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cl;
    }

    /** Runs the command and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine(System.getenv()).execute(args));
    }
}
