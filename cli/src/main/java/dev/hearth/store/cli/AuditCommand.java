package dev.hearth.store.cli;

import dev.hearth.store.AuditEvent;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code models audit NAME}: the model's audit log, oldest first. */
@Command(name = "audit", description = "Show a model's audit log: alias moves, rollbacks, deletions.")
final class AuditCommand implements Callable<Integer> {
    @ParentCommand
    ModelsCommand parent;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
        List<AuditEvent> events = parent.store().auditLog(name);
        parent.print(events, AliasCommand.events(events));
        return 0;
    }
}
