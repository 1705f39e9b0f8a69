package dev.hearth.e2e;

import dev.hearth.testing.ChildProcess;
import dev.hearth.testing.HearthBuild;
import dev.hearth.testing.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Starts the serving jar in a child JVM, as the launcher would, and waits for it to listen. */
final class ServingProcess {
    private static final String LISTENING = "listening on ";

    private ServingProcess() {}

    /**
     * Runs {@code java <jvm args> -Xmx<heap> -jar <jar> <args>} under {@code processes} (which kills it) and returns
     * the base URL it prints once listening; fails if it does not listen within two minutes.
     */
    static String start(Processes processes, String heap, Path jar, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(HearthBuild.java()));
        command.addAll(HearthBuild.jvmArgs());
        command.addAll(List.of("-Xmx" + heap, "-jar", jar.toString()));
        command.addAll(args);
        ChildProcess server = processes.startAndAwait(command, l -> l.startsWith(LISTENING), Duration.ofMinutes(2));
        return server.firstLine(l -> l.startsWith(LISTENING)).orElseThrow().substring(LISTENING.length());
    }
}
