package dev.hearth.store.cli;

import dev.hearth.store.AuditEvent;
import dev.hearth.store.ModelRef;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code models delete NAME/N}: delete one version unless an alias or a lease protects it. */
@Command(
        name = "delete",
        description = "Delete version NAME/N (exit 3 if an alias points to it or a server leases it).")
final class DeleteCommand implements Callable<Integer> {
    @ParentCommand
    ModelsCommand parent;

    @Parameters(index = "0", paramLabel = "NAME/N")
    String ref;

    @Option(names = "--reason", description = "recorded in the audit log")
    String reason;

    @Override
    public Integer call() {
        ModelRef r = ModelRef.parse(ref);
        if (r.pinnedVersion().isEmpty()) {
            throw new IllegalArgumentException("delete needs an explicit version NAME/N but was '" + ref + "'");
        }
        AuditEvent e = parent.store().delete(r.name(), r.version(), reason);
        parent.print(e, "deleted " + r + "\n");
        return 0;
    }
}
