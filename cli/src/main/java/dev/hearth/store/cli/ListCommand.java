package dev.hearth.store.cli;

import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code models list}: every model with its version count, latest version and aliases. */
@Command(name = "list", description = "List models with their latest version and aliases.")
final class ListCommand implements Callable<Integer> {
    @ParentCommand
    ModelsCommand parent;

    @Override
    public Integer call() {
        ModelStore store = parent.store();
        List<Map<String, Object>> rows = new ArrayList<>();
        StringBuilder table = new StringBuilder(
                String.format(Locale.ROOT, "%-32s %8s %8s  %s%n", "MODEL", "VERSIONS", "LATEST", "ALIASES"));
        for (String name : store.listModels()) {
            List<ModelVersion> versions = store.listVersions(name);
            int latest = versions.get(versions.size() - 1).version();
            Map<String, Integer> aliases = store.aliases(name);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", name);
            row.put("versions", versions.size());
            row.put("latest", latest);
            row.put("aliases", aliases);
            rows.add(row);
            table.append(String.format(
                    Locale.ROOT, "%-32s %8d %8d  %s%n", name, versions.size(), latest, AliasCommand.format(aliases)));
        }
        parent.print(rows, table.toString());
        return 0;
    }
}
