package dev.hearth.config;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The type and constraint of a setting's value, checked once by {@link SettingsLoader#load}. The messages name the
 * key, the value and the rule; {@link Settings}' typed getters use the same checks, so their messages are the same
 * words whether the value is refused at load or at a getter with a stricter call-site rule.
 */
public sealed interface Rule {
    /**
     * Checks {@code value} (already trimmed and expanded) of {@code key}.
     *
     * @throws SettingsException naming key, value and rule
     */
    void check(String key, String value);

    /** What the rule allows, for {@code --help} and documentation ("an integer >= 1"). */
    String describe();

    /** Free text: anything goes. */
    static Rule text() {
        return Text.INSTANCE;
    }

    /** An integer (long) of at least {@code min}. */
    static Rule atLeast(long min) {
        return new AtLeast(min);
    }

    /** Any integer (long). */
    static Rule integer() {
        return new AtLeast(Long.MIN_VALUE);
    }

    /** A number in [{@code min}, {@code max}]. */
    static Rule between(double min, double max) {
        return new Between(min, max);
    }

    /** {@code true} or {@code false}. */
    static Rule flag() {
        return Flag.INSTANCE;
    }

    /** A comma-separated list of integers of at least 1, e.g. {@code 256,128}; empty is an empty list. */
    static Rule positiveIntegers() {
        return PositiveIntegers.INSTANCE;
    }

    /** One word of an enum of {@link Choice}s. */
    static <E extends Enum<E> & Choice> Rule oneOf(Class<E> type) {
        return new OneOf<>(type, EnumSet.allOf(type));
    }

    /** One word of the {@code allowed} constants of an enum of {@link Choice}s (an enum other readers share). */
    static <E extends Enum<E> & Choice> Rule oneOf(Class<E> type, Set<E> allowed) {
        return new OneOf<>(type, allowed);
    }

    /** Free text. */
    enum Text implements Rule {
        INSTANCE;

        @Override
        public void check(String key, String value) {}

        @Override
        public String describe() {
            return "text";
        }
    }

    /** {@code true} or {@code false}, case-insensitive. */
    enum Flag implements Rule {
        INSTANCE;

        @Override
        public void check(String key, String value) {
            String v = value.toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new SettingsException(key + " must be true or false but was '" + value + "'");
            }
        }

        @Override
        public String describe() {
            return "true or false";
        }
    }

    /** A comma-separated list of integers of at least 1; an empty value is the empty list. */
    enum PositiveIntegers implements Rule {
        INSTANCE;

        @Override
        public void check(String key, String value) {
            if (value.isEmpty()) {
                return;
            }
            for (String part : value.split(",")) {
                int v;
                try {
                    v = Integer.parseInt(part.trim());
                } catch (NumberFormatException e) {
                    throw new SettingsException(
                            key + " must be a comma-separated list of integers but was '" + value + "'");
                }
                if (v < 1) {
                    throw new SettingsException(key + " entries must be >= 1 but was '" + value + "'");
                }
            }
        }

        @Override
        public String describe() {
            return "a comma-separated list of integers >= 1";
        }
    }

    /** An integer of at least {@code min}. */
    record AtLeast(long min) implements Rule {
        @Override
        public void check(String key, String value) {
            long v;
            try {
                v = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new SettingsException(key + " must be an integer but was '" + value + "'");
            }
            if (v < min) {
                throw new SettingsException(key + " must be >= " + min + " but was " + v);
            }
        }

        @Override
        public String describe() {
            return min == Long.MIN_VALUE ? "an integer" : "an integer >= " + min;
        }
    }

    /** A number in the closed range [{@code min}, {@code max}]. */
    record Between(double min, double max) implements Rule {
        @Override
        public void check(String key, String value) {
            double v;
            try {
                v = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new SettingsException(key + " must be a number but was '" + value + "'");
            }
            if (!(v >= min && v <= max)) {
                throw new SettingsException(key + " must be between " + min + " and " + max + " but was " + value);
            }
        }

        @Override
        public String describe() {
            return "a number between " + min + " and " + max;
        }
    }

    /** One word of {@code allowed}, constants of {@code type} (all of them unless a setting narrows them). */
    record OneOf<E extends Enum<E> & Choice>(Class<E> type, Set<E> allowed) implements Rule {
        public OneOf {
            if (allowed.isEmpty()) {
                throw new IllegalArgumentException("a choice of " + type.getSimpleName() + " needs an allowed word");
            }
            allowed = Set.copyOf(allowed);
        }

        @Override
        public void check(String key, String value) {
            Choice.parse(key, value, allowed);
        }

        @Override
        public String describe() {
            return "one of " + words();
        }

        /** The allowed words. */
        public List<String> words() {
            return Choice.words(allowed);
        }
    }
}
