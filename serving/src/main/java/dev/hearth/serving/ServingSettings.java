package dev.hearth.serving;

import dev.hearth.config.Setting;
import dev.hearth.config.SettingsLoader;
import java.util.List;

/** Every setting of the model server with its default; {@code conf/serving.properties} documents the same. */
public final class ServingSettings {
    public static final String HOST = "server.host";
    public static final String PORT = "server.port";
    public static final String MAX_BODY_BYTES = "server.max.body.bytes";
    public static final String STORE_ROOT = "store.root";
    public static final String MODELS = "serving.models";

    /** The declared settings, in the order {@code conf/serving.properties} lists them. */
    public static final List<Setting> ALL = List.of(
            new Setting(HOST, "127.0.0.1", "interface to listen on (0.0.0.0 for all)"),
            new Setting(PORT, "8080", "TCP port to listen on (0 picks a free port)"),
            new Setting(MAX_BODY_BYTES, "16777216", "largest accepted request body in bytes"),
            new Setting(STORE_ROOT, "${user.home}/.hearth/store", "model store root: a local path or a Hadoop URI"),
            new Setting(MODELS, "", "comma-separated model names to serve (latest version); empty serves every model in the store"));

    private ServingSettings() {}

    /** A loader for the server's settings. */
    public static SettingsLoader loader() {
        return new SettingsLoader(ALL);
    }
}
