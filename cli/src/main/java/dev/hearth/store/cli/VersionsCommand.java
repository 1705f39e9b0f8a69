package dev.hearth.store.cli;

import dev.hearth.store.ModelNotFoundException;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code models versions NAME}: a model's versions with key metrics and the aliases pointing at them. */
@Command(name = "versions", description = "List a model's versions with key metrics.")
final class VersionsCommand implements Callable<Integer> {
    @ParentCommand
    ModelsCommand parent;

    @Parameters(paramLabel = "NAME", description = "model name")
    String name;

    @Override
    public Integer call() {
        ModelStore store = parent.store();
        List<ModelVersion> versions = store.listVersions(name);
        if (versions.isEmpty()) {
            throw new ModelNotFoundException("model '" + name + "' has no committed version");
        }
        Map<String, Integer> aliases = store.aliases(name);
        List<Map<String, Object>> rows = new ArrayList<>();
        StringBuilder table = new StringBuilder(String.format(
                Locale.ROOT,
                "%-8s %-25s %-10s %-10s %-20s %s%n",
                "VERSION",
                "CREATED",
                "ACCURACY",
                "F1",
                "CREATOR",
                "ALIASES"));
        for (ModelVersion v : versions) {
            TreeSet<String> pointing = new TreeSet<>();
            aliases.forEach((a, target) -> {
                if (target == v.version()) {
                    pointing.add(a);
                }
            });
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("version", v.version());
            row.put("createdAt", v.metadata().createdAt());
            row.put("creator", v.metadata().creator());
            row.put("metrics", v.metadata().metrics());
            row.put("aliases", pointing);
            rows.add(row);
            table.append(String.format(
                    Locale.ROOT,
                    "%-8d %-25s %-10s %-10s %-20s %s%n",
                    v.version(),
                    v.metadata().createdAt(),
                    metric(v, "accuracy"),
                    metric(v, "f1"),
                    v.metadata().creator(),
                    String.join(",", pointing)));
        }
        parent.print(rows, table.toString());
        return 0;
    }

    private static String metric(ModelVersion v, String key) {
        Double d = v.metadata().metrics().get(key);
        return d == null ? "-" : String.format(Locale.ROOT, "%.4f", d);
    }
}
