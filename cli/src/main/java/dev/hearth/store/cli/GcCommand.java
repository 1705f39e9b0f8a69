package dev.hearth.store.cli;

import dev.hearth.store.GcCandidate;
import dev.hearth.store.GcReport;
import dev.hearth.store.RetentionPolicy;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code models gc}: retention and crash-leftover cleanup; a dry run unless {@code --apply}. */
@Command(name = "gc", description = "Delete old versions and crash leftovers (dry run unless --apply).")
final class GcCommand implements Callable<Integer> {
    @ParentCommand
    ModelsCommand parent;

    @Option(
            names = "--keep-last",
            description = "keep the newest N versions (default: ${DEFAULT-VALUE})",
            defaultValue = "5")
    int keepLast;

    @Option(
            names = "--keep-days",
            description = "keep versions younger than D days (default: ${DEFAULT-VALUE})",
            defaultValue = "30")
    long keepDays;

    @Option(
            names = "--grace-minutes",
            description = "remove crash leftovers older than M minutes (default: ${DEFAULT-VALUE})",
            defaultValue = "60")
    long graceMinutes;

    @Option(names = "--apply", description = "really delete; without it only print what would go")
    boolean apply;

    @Override
    public Integer call() {
        if (keepDays < 0 || graceMinutes < 0) {
            throw new IllegalArgumentException(
                    "--keep-days and --grace-minutes must be >= 0 but were " + keepDays + " and " + graceMinutes);
        }
        RetentionPolicy policy =
                new RetentionPolicy(keepLast, Duration.ofDays(keepDays), Duration.ofMinutes(graceMinutes));
        GcReport report = parent.store().gc(policy, apply);
        StringBuilder text = new StringBuilder(apply ? "" : "dry run: nothing deleted; use --apply to delete\n");
        String verb = apply ? "deleted" : "would delete";
        for (GcCandidate c : report.candidates()) {
            text.append(verb)
                    .append(' ')
                    .append(c.path())
                    .append(": ")
                    .append(c.reason())
                    .append('\n');
        }
        for (GcCandidate c : report.kept()) {
            text.append("kept ")
                    .append(c.model())
                    .append('/')
                    .append(c.version())
                    .append(": ")
                    .append(c.reason())
                    .append('\n');
        }
        if (report.candidates().isEmpty()) {
            text.append("nothing to delete\n");
        }
        parent.print(report, text.toString());
        return 0;
    }
}
