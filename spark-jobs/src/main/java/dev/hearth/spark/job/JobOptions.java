package dev.hearth.spark.job;

import dev.hearth.config.Settings;
import dev.hearth.config.SettingsOptions;
import dev.hearth.spark.training.TrainSettings;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every job shares: {@link SettingsOptions} (settings file, {@code --set}, {@code --store}) and {@code --data}. */
final class JobOptions {
    @Mixin
    SettingsOptions settings = new SettingsOptions();

    @Option(names = "--data", description = "shortcut for --set data.path=...")
    String data;

    /** Resolves defaults < --config < --set < shortcuts, plus job-specific extras. */
    Settings settings(List<String> extra) {
        List<String> all = new ArrayList<>();
        if (data != null) {
            all.add(TrainSettings.DATA_PATH + "=" + data);
        }
        all.addAll(extra);
        return settings.load(TrainSettings.loader(), all);
    }
}
