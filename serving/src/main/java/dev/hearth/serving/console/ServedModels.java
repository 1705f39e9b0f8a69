package dev.hearth.serving.console;

import java.util.Map;

/** What this server serves: model name to the version it serves now (0: none loaded). Empty for the standalone console. */
@FunctionalInterface
public interface ServedModels {
    /** A snapshot, sorted by name. */
    Map<String, Integer> served();

    /** No model server behind the console ({@code bin/hearth console}). */
    static ServedModels none() {
        return Map::of;
    }
}
