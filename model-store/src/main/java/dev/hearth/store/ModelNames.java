package dev.hearth.store;

import java.util.regex.Pattern;

/** The naming rule for models and aliases: {@code [a-z0-9][a-z0-9._-]{0,63}}, and never {@code .} or {@code ..}. */
public final class ModelNames {
    /** The rule as a regular expression, quoted in every error message. */
    public static final String RULE = "[a-z0-9][a-z0-9._-]{0,63}";

    private static final Pattern NAME = Pattern.compile(RULE);

    private ModelNames() {}

    /**
     * Returns {@code value} when it is a valid name.
     *
     * @param what what the value names, e.g. "model name", used in the message
     * @throws InvalidNameException naming the value and the rule
     */
    public static String validate(String what, String value) {
        if (value == null || !NAME.matcher(value).matches() || value.contains("..")) {
            throw new InvalidNameException(
                    what + " must match " + RULE + " (and not contain '..') but was '" + value + "'");
        }
        return value;
    }
}
