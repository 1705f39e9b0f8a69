package dev.hearth.store.cli;

import dev.hearth.store.ModelVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code models rekey NAME[/V] [--all]}: re-wrap data keys under their master key's current version (after
 * {@code hadoop key roll}), so older key versions can be retired. No model file is rewritten.
 */
@Command(
        name = "rekey",
        description = "Re-wrap the data keys of encrypted versions under the current version of "
                + "their master key (after `hadoop key roll`); NAME alone: all its versions; --all: every model.")
final class RekeyCommand implements Callable<Integer> {
    @ParentCommand
    ModelsCommand parent;

    @Parameters(paramLabel = "REF", arity = "0..*", description = "name (all its versions), name/N or name@alias")
    List<String> refs = new ArrayList<>();

    @Option(names = "--all", description = "every version of every model")
    boolean all;

    @Option(names = "--reason", description = "recorded in the audit log")
    String reason;

    @Override
    public Integer call() {
        if (all == !refs.isEmpty()) {
            throw new IllegalArgumentException("rekey needs either REF... or --all (not both, not neither)");
        }
        var store = parent.store();
        List<Map<String, Object>> rows = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (ModelVersion v : VersionSelection.of(store, all ? store.listModels() : refs)) {
            ModelVersion now = store.rekey(v, reason);
            var before = v.metadata().encryption();
            var after = now.metadata().encryption();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", v.name());
            row.put("version", v.version());
            row.put("from", before == null ? null : before.keyVersion());
            row.put("to", after == null ? null : after.keyVersion());
            rows.add(row);
            text.append(v.ref())
                    .append(": ")
                    .append(
                            after == null
                                    ? "plaintext, skipped (use models encrypt)"
                                    : before.keyVersion().equals(after.keyVersion())
                                            ? "already " + after.keyVersion()
                                            : before.keyVersion() + " -> " + after.keyVersion())
                    .append('\n');
        }
        parent.print(rows, text.toString());
        return 0;
    }
}
