package dev.hearth.config;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Resolved settings of one job or server: every declared key has a value (its default, the file's or a
 * {@code --set} override). {@link SettingsLoader} has checked every value against its declared {@link Rule}; the
 * typed getters parse (and, for settings built in code with {@link #of}, check) with the same messages naming key,
 * value and rule.
 */
public final class Settings {
    private final Map<String, String> values;

    Settings(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** Settings holding exactly these values (used by tests and by callers that build settings in code). */
    public static Settings of(Map<String, String> values) {
        return new Settings(values);
    }

    /** All resolved values, sorted by key, for logging the effective configuration and for provenance. */
    public Map<String, String> asMap() {
        return values;
    }

    /** The raw text of a key, empty string when unset. */
    public String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new SettingsException("unknown setting '" + key + "'");
        }
        return v.trim();
    }

    /** The text of a key; fails when it is empty. */
    public String require(String key) {
        String v = get(key);
        if (v.isEmpty()) {
            throw new SettingsException(key + " is required but was not set (use --set " + key + "=...)");
        }
        return v;
    }

    /** Whether a key has a non-empty value. */
    public boolean isSet(String key) {
        return !get(key).isEmpty();
    }

    public int getInt(String key) {
        return parse(key, "an integer", Integer::parseInt);
    }

    public long getLong(String key) {
        return parse(key, "an integer", Long::parseLong);
    }

    public double getDouble(String key) {
        return parse(key, "a number", Double::parseDouble);
    }

    public boolean getBoolean(String key) {
        String v = require(key);
        Rule.flag().check(key, v);
        return Boolean.parseBoolean(v.toLowerCase(Locale.ROOT));
    }

    /** An integer that must be at least {@code min} (the same check as {@link Rule#atLeast}). */
    public int getInt(String key, int min) {
        int v = getInt(key);
        Rule.atLeast(min).check(key, Integer.toString(v));
        return v;
    }

    /** A number in the closed range [{@code min}, {@code max}] (the same check as {@link Rule#between}). */
    public double getDouble(String key, double min, double max) {
        double v = getDouble(key);
        Rule.between(min, max).check(key, get(key));
        return v;
    }

    /** One of the allowed words (case-insensitive), returned in lower case. */
    public String getChoice(String key, List<String> allowed) {
        String v = get(key).toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw new SettingsException(key + " must be one of " + allowed + " but was '" + get(key) + "'");
        }
        return v;
    }

    /** The {@link Choice} constant of {@code type} a choice setting names (case-insensitive). */
    public <E extends Enum<E> & Choice> E getEnum(String key, Class<E> type) {
        return Choice.parse(key, get(key), type);
    }

    /** The {@link Choice} constant among {@code allowed} a choice setting names (case-insensitive). */
    public <E extends Enum<E> & Choice> E getEnum(String key, Set<E> allowed) {
        return Choice.parse(key, get(key), allowed);
    }

    /** A comma-separated list of positive integers, e.g. {@code 256,128}. */
    public List<Integer> getIntList(String key) {
        String v = get(key);
        if (v.isEmpty()) {
            return List.of();
        }
        Rule.positiveIntegers().check(key, v);
        return Arrays.stream(v.split(",")).map(p -> Integer.parseInt(p.trim())).toList();
    }

    /** A copy with some values replaced (keys must already exist). */
    public Settings with(Map<String, String> overrides) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        overrides.forEach((k, v) -> {
            get(k);
            copy.put(k, v);
        });
        return new Settings(copy);
    }

    private <T> T parse(String key, String what, Function<String, T> parser) {
        String v = require(key);
        try {
            return parser.apply(v);
        } catch (NumberFormatException e) {
            throw new SettingsException(key + " must be " + what + " but was '" + v + "'");
        }
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
