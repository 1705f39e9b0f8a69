package dev.hearth.store.cli;

import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelStore;
import dev.hearth.store.ModelVersion;
import java.util.ArrayList;
import java.util.List;

/** The versions a list of references names: {@code name} means all its versions, else the one resolved. */
final class VersionSelection {
    private VersionSelection() {}

    static List<ModelVersion> of(ModelStore store, List<String> refs) {
        List<ModelVersion> out = new ArrayList<>();
        for (String ref : refs) {
            ModelRef r = ModelRef.parse(ref);
            if (r.pinnedVersion().isEmpty() && r.alias() == null) {
                out.addAll(store.listVersions(r.name()));
            } else {
                out.add(store.resolve(r));
            }
        }
        return out;
    }
}
