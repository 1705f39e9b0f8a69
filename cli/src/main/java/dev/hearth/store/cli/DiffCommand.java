package dev.hearth.store.cli;

import dev.hearth.store.MetadataDiff;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code models diff REF1 REF2}: the settings, metrics, tags and provenance that differ between two versions. */
@Command(name = "diff", description = "Diff two versions' metadata: settings, metrics, tags, provenance.")
final class DiffCommand implements Callable<Integer> {
    @ParentCommand
    ModelsCommand parent;

    @Parameters(index = "0", paramLabel = "LEFT", description = "model reference, e.g. iris/3")
    String left;

    @Parameters(index = "1", paramLabel = "RIGHT", description = "model reference, e.g. iris@production")
    String right;

    @Override
    public Integer call() {
        ModelStore store = parent.store();
        ModelVersion a = store.resolve(ModelRef.parse(left));
        ModelVersion b = store.resolve(ModelRef.parse(right));
        List<MetadataDiff.Change> changes = MetadataDiff.between(a.metadata(), b.metadata());
        StringBuilder table = new StringBuilder(
                String.format(Locale.ROOT, "%-11s %-32s %-24s %s%n", "SECTION", "KEY", a.ref(), b.ref()));
        for (MetadataDiff.Change c : changes) {
            table.append(String.format(
                    Locale.ROOT,
                    "%-11s %-32s %-24s %s%n",
                    c.section(),
                    c.key(),
                    c.left() == null ? "-" : c.left(),
                    c.right() == null ? "-" : c.right()));
        }
        if (changes.isEmpty()) {
            table.append("(no differences)\n");
        }
        parent.print(changes, table.toString());
        return 0;
    }
}
