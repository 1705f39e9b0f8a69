package dev.hearth.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds declared settings whose rule is weaker than their values, so that a setting added later cannot skip the
 * check at load. A module's settings test calls {@link #problems} with the keys it knows to be free text (paths,
 * names, lists); every other setting must carry a typed rule. Without this, a new setting declared with the
 * three-argument {@link Setting} constructor would be checked only when (and if) its reader parses it.
 */
public final class RuleAudit {
    private RuleAudit() {}

    /**
     * The problems of {@code settings}, empty when every setting has the rule its values need.
     *
     * @param settings the declared settings of one settings class
     * @param freeText keys whose values are genuinely free text (each must have {@link Rule#text()})
     * @return one line per problem, naming the key
     */
    public static List<String> problems(Collection<Setting> settings, Set<String> freeText) {
        List<String> problems = new ArrayList<>();
        Set<String> declared = new TreeSet<>();
        for (Setting s : settings) {
            declared.add(s.key());
            String def = s.defaultValue().strip();
            if (s.rule() instanceof Rule.Text) {
                if (isNumber(def)) {
                    problems.add(s.key() + " defaults to the number " + def + " but has no numeric rule "
                            + "(Setting.integer or Setting.number)");
                } else if (isFlag(def)) {
                    problems.add(s.key() + " defaults to " + def + " but has no true/false rule (Setting.flag)");
                } else if (!freeText.contains(s.key())) {
                    problems.add(s.key() + " is free text: give it a rule (Setting.choice for a fixed set of words, "
                            + "Setting.integer or Setting.number for numbers) or list it as free text");
                }
            } else if (freeText.contains(s.key())) {
                problems.add(s.key() + " is listed as free text but has the rule "
                        + s.rule().describe());
            }
            if (s.rule() instanceof Rule.OneOf<?> oneOf) {
                for (String word : oneOf.words()) {
                    if (!s.description().toLowerCase(Locale.ROOT).contains(word)) {
                        problems.add(s.key() + "'s description does not name its allowed value '" + word + "'");
                    }
                }
            }
        }
        for (String key : freeText) {
            if (!declared.contains(key)) {
                problems.add(key + " is listed as free text but is not declared");
            }
        }
        return problems;
    }

    private static boolean isNumber(String text) {
        if (text.isEmpty()) {
            return false;
        }
        try {
            Double.parseDouble(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isFlag(String text) {
        return text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false");
    }
}
