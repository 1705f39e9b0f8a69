package dev.hearth.spark.job;

import dev.hearth.config.Settings;
import dev.hearth.spark.training.TrainSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every job shares: a settings file, {@code --set} overrides, and the data and store shortcuts. */
final class JobOptions {
    @Option(names = "--config", description = "settings file (properties); keys and defaults: conf/train.properties")
    Path config;

    @Option(names = "--set", description = "override one setting, key=value (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--data", description = "shortcut for --set data.path=...")
    String data;

    @Option(names = "--store", description = "shortcut for --set store.root=...")
    String store;

    /** Resolves defaults < --config < --set < shortcuts, plus job-specific extras. */
    Settings settings(List<String> extra) {
        List<String> all = new ArrayList<>(overrides);
        if (data != null) {
            all.add(TrainSettings.DATA_PATH + "=" + data);
        }
        if (store != null) {
            all.add(TrainSettings.STORE_ROOT + "=" + store);
        }
        all.addAll(extra);
        return TrainSettings.loader().load(config, all);
    }
}
