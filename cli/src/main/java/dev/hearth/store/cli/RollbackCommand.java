package dev.hearth.store.cli;

import dev.hearth.store.AuditEvent;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code models rollback NAME ALIAS}: return the alias to the target it had before its last move. */
@Command(name = "rollback", description = "Return ALIAS to its previous target.")
final class RollbackCommand implements Callable<Integer> {
    @ParentCommand
    ModelsCommand parent;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "ALIAS")
    String alias;

    @Option(names = "--reason", description = "recorded in the audit log")
    String reason;

    @Override
    public Integer call() {
        AuditEvent e = parent.store().rollback(name, alias, reason);
        parent.print(e, AliasCommand.moved(e));
        return 0;
    }
}
