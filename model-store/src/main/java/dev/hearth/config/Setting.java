package dev.hearth.config;

import java.util.Objects;

/**
 * One declared setting: its key, its default as text (empty when the setting has no default) and a one-line
 * description, as printed in {@code --help} and documented in {@code conf/}.
 *
 * @param key dotted key, e.g. {@code train.epochs}
 * @param defaultValue default as text; empty string means "no default"
 * @param description one line for help output
 */
public record Setting(String key, String defaultValue, String description) {
    public Setting {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(description, "description");
    }
}
