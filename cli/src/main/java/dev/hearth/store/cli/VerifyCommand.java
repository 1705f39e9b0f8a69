package dev.hearth.store.cli;

import dev.hearth.store.IntegrityException;
import dev.hearth.store.KeyUnavailableException;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code models verify [REF...]}: re-hash every file; exit 4 if any does not match its recorded SHA-256. */
@Command(
        name = "verify",
        description = "Re-hash all files of the given versions (default: every version of "
                + "every model), decrypting encrypted ones first; exit 4 on any mismatch or undecryptable file, 5 when only "
                + "master keys were unavailable.")
final class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    ModelsCommand parent;

    @Parameters(paramLabel = "REF", arity = "0..*", description = "name (all its versions), name/N or name@alias")
    List<String> refs = new ArrayList<>();

    @Override
    public Integer call() {
        ModelStore store = parent.store();
        List<ModelVersion> versions = new ArrayList<>();
        for (String ref : refs.isEmpty() ? store.listModels() : refs) {
            ModelRef r = ModelRef.parse(ref);
            if (r.pinnedVersion().isEmpty() && r.alias() == null) {
                versions.addAll(store.listVersions(r.name()));
            } else {
                versions.add(store.resolve(r));
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int failed = 0;
        int noKey = 0;
        for (ModelVersion v : versions) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", v.name());
            row.put("version", v.version());
            String sealing = v.metadata().encryption() == null
                    ? "plaintext"
                    : "key " + v.metadata().encryption().keyVersion();
            row.put("encryption", sealing);
            try {
                store.verify(v);
                row.put("ok", true);
                text.append("OK     ")
                        .append(v.ref())
                        .append(" (")
                        .append(sealing)
                        .append(")\n");
            } catch (IntegrityException | KeyUnavailableException e) {
                if (e instanceof IntegrityException) {
                    failed++;
                } else {
                    noKey++;
                }
                row.put("ok", false);
                row.put("error", e.getMessage());
                text.append("FAILED ")
                        .append(v.ref())
                        .append(": ")
                        .append(e.getMessage())
                        .append('\n');
            }
            rows.add(row);
        }
        text.append(versions.size() - failed - noKey)
                .append(" of ")
                .append(versions.size())
                .append(" versions verified\n");
        parent.print(rows, text.toString());
        return failed > 0 ? ModelsCommand.INTEGRITY : noKey > 0 ? ModelsCommand.KEY_UNAVAILABLE : 0;
    }
}
