package dev.hearth.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options every Hearth command that reads settings shares, as a picocli mixin: {@code --config FILE},
 * repeatable {@code --set key=value} and the {@code --store} shortcut. Commands add their own shortcuts and resolve
 * with {@link #load}, so the precedence (defaults &lt; file &lt; {@code --set} &lt; shortcuts) is written once.
 */
public final class SettingsOptions {
    /** The key the {@code --store} shortcut sets. */
    public static final String STORE_ROOT = "store.root";

    @Option(names = "--config", description = "settings file (properties); the keys and their defaults: see below")
    Path config;

    @Option(names = "--set", description = "override one setting, key=value (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--store", description = "shortcut for --set store.root=...")
    String store;

    /**
     * Resolves the settings: declared defaults &lt; {@code --config} &lt; {@code --set} &lt; the command's own
     * {@code shortcuts} ({@code key=value}) &lt; {@code --store}.
     */
    public Settings load(SettingsLoader loader, List<String> shortcuts) {
        List<String> all = new ArrayList<>(overrides);
        all.addAll(shortcuts);
        if (store != null) {
            all.add(STORE_ROOT + "=" + store);
        }
        return loader.load(config, all);
    }
}
