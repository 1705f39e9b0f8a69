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

/** {@code models encrypt NAME[/V]}: encrypt plaintext versions in place under the configured master key. */
@Command(
        name = "encrypt",
        description = "Encrypt plaintext versions in place (same numbers, aliases and audit) under "
                + "the master key of --key-name / store.encryption.key.name; NAME alone: all its versions.")
final class EncryptCommand implements Callable<Integer> {
    @ParentCommand
    ModelsCommand parent;

    @Parameters(paramLabel = "REF", arity = "1..*", description = "name (all its versions), name/N or name@alias")
    List<String> refs = new ArrayList<>();

    @Option(names = "--reason", description = "recorded in the audit log")
    String reason;

    @Override
    public Integer call() {
        var store = parent.store();
        List<Map<String, Object>> rows = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (ModelVersion v : VersionSelection.of(store, refs)) {
            boolean was = v.metadata().encryption() != null;
            ModelVersion now = store.encrypt(v, reason);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", v.name());
            row.put("version", v.version());
            row.put("keyVersion", now.metadata().encryption().keyVersion());
            row.put("changed", !was);
            rows.add(row);
            text.append(was ? "already encrypted " : "encrypted ")
                    .append(v.ref())
                    .append(" (key ")
                    .append(now.metadata().encryption().keyVersion())
                    .append(")\n");
        }
        parent.print(rows, text.toString());
        return 0;
    }
}
