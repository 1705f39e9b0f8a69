package dev.hearth.config;

import java.util.Objects;
import java.util.Set;

/**
 * One declared setting: its key, its default as text (empty when the setting has no default), a one-line
 * description (as printed in {@code --help} and documented in {@code conf/}) and the {@link Rule} its value must
 * follow. {@link SettingsLoader#load} checks every rule once, so a typed getter of {@link Settings} never meets a
 * value that breaks its declared rule.
 *
 * @param key dotted key, e.g. {@code train.epochs}
 * @param defaultValue default as text; empty string means "no default"
 * @param description one line for help output
 * @param rule the type and constraint of the value ({@link Rule#text()} for free text)
 */
public record Setting(String key, String defaultValue, String description, Rule rule) {
    public Setting {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(rule, "rule");
    }

    /** A free-text setting (no rule beyond what its reader checks). */
    public Setting(String key, String defaultValue, String description) {
        this(key, defaultValue, description, Rule.text());
    }

    /** An integer setting that must be at least {@code min}. */
    public static Setting integer(String key, long defaultValue, long min, String description) {
        return new Setting(key, Long.toString(defaultValue), description, Rule.atLeast(min));
    }

    /** A number in the closed range [{@code min}, {@code max}]. */
    public static Setting number(String key, String defaultValue, double min, double max, String description) {
        return new Setting(key, defaultValue, description, Rule.between(min, max));
    }

    /** A {@code true}/{@code false} setting. */
    public static Setting flag(String key, boolean defaultValue, String description) {
        return new Setting(key, Boolean.toString(defaultValue), description, Rule.flag());
    }

    /** One of the words of {@code choices} (case-insensitive). */
    public static <E extends Enum<E> & Choice> Setting choice(
            String key, E defaultValue, Class<E> choices, String description) {
        return new Setting(key, defaultValue.word(), description, Rule.oneOf(choices));
    }

    /**
     * One of the words of the {@code allowed} constants of {@code choices}: the setting allows fewer words than
     * the enum has, because another reader of the enum (e.g. a spec file) accepts more.
     */
    public static <E extends Enum<E> & Choice> Setting choice(
            String key, E defaultValue, Class<E> choices, Set<E> allowed, String description) {
        if (!allowed.contains(defaultValue)) {
            throw new IllegalArgumentException(key + "'s default " + defaultValue.word() + " is not allowed");
        }
        return new Setting(key, defaultValue.word(), description, Rule.oneOf(choices, allowed));
    }
}
