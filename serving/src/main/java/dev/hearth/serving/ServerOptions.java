package dev.hearth.serving;

import dev.hearth.config.Settings;
import dev.hearth.config.SettingsOptions;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The server commands' shared options ({@code serve}, {@code console}): {@code --config}, repeatable {@code --set}
 * and the {@code --port} shortcut, loaded as serving settings.
 */
public final class ServerOptions {
    @Mixin
    SettingsOptions settings = new SettingsOptions();

    @Option(names = "--port", description = "shortcut for --set server.port=...")
    Integer port;

    /** The serving settings: defaults < {@code --config} file < {@code --set}, {@code --port} counting as a set. */
    public Settings load() {
        List<String> shortcuts = port == null ? List.of() : List.of(ServingSettings.PORT + "=" + port);
        return settings.load(ServingSettings.loader(), shortcuts);
    }
}
