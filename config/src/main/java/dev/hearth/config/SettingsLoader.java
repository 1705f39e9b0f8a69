package dev.hearth.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves settings with the precedence declared defaults &lt; properties file &lt; {@code --set key=value}.
 * Unknown keys are refused (a typo must not silently fall back to a default). Values may reference
 * {@code ${user.home}}-style system properties or {@code ${env:NAME}} environment variables. Every value is then
 * checked once against its setting's {@link Rule}, so a bad value fails the load with a message naming key, value and
 * rule, before any job or server starts.
 */
public final class SettingsLoader {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(env:)?([A-Za-z0-9_.]+)}");

    private final Map<String, Setting> declared = new LinkedHashMap<>();

    /** A loader that knows exactly these settings. */
    public SettingsLoader(List<Setting> settings) {
        for (Setting s : settings) {
            if (declared.put(s.key(), s) != null) {
                throw new IllegalArgumentException("setting declared twice: " + s.key());
            }
        }
    }

    /** The declared settings, in declaration order. */
    public List<Setting> declared() {
        return List.copyOf(declared.values());
    }

    /**
     * Resolves the settings.
     *
     * @param file optional properties file (null for none)
     * @param overrides {@code key=value} strings from the command line, later ones win
     */
    public Settings load(Path file, List<String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        declared.values().forEach(s -> values.put(s.key(), s.defaultValue()));
        if (file != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new SettingsException("cannot read settings file " + file + ": " + e.getMessage(), e);
            }
            for (String key : p.stringPropertyNames()) {
                put(values, key, p.getProperty(key), "in " + file);
            }
        }
        for (String o : overrides == null ? List.<String>of() : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new SettingsException("--set expects key=value but was '" + o + "'");
            }
            put(values, o.substring(0, eq).trim(), o.substring(eq + 1), "in --set");
        }
        values.replaceAll((k, v) -> expand(k, v));
        declared.values().forEach(s -> validate(s, values.get(s.key())));
        return new Settings(values);
    }

    /**
     * Checks that a documented settings file in {@code conf/} lists exactly the declared settings, each with its
     * default and a comment line above it; returns the problems found (empty when the file is true).
     */
    public List<String> documentationProblems(Path confFile) {
        List<String> problems = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(confFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of("cannot read " + confFile + ": " + e.getMessage());
        }
        Map<String, String> documented = new LinkedHashMap<>();
        Map<String, String> comments = new LinkedHashMap<>();
        StringBuilder comment = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("#")) {
                comment.append(' ').append(line.substring(1).strip());
                continue;
            }
            if (line.isEmpty()) {
                comment.setLength(0);
                continue;
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq).strip();
            documented.put(key, eq < 0 ? "" : line.substring(eq + 1).strip());
            comments.put(key, comment.toString().toLowerCase(Locale.ROOT));
            comment.setLength(0);
            if (i == 0 || !lines.get(i - 1).strip().startsWith("#")) {
                problems.add(key + " has no comment line above it");
            }
        }
        for (Setting s : declared.values()) {
            if (!documented.containsKey(s.key())) {
                problems.add(s.key() + " is missing");
            } else if (!documented.get(s.key()).equals(s.defaultValue())) {
                problems.add(s.key() + " is documented as '" + documented.get(s.key()) + "' but defaults to '"
                        + s.defaultValue() + "'");
            }
            // A choice's comment lists its allowed words, so conf/ is enough to write a valid value.
            if (documented.containsKey(s.key()) && s.rule() instanceof Rule.OneOf<?> oneOf) {
                List<String> unnamed = oneOf.words().stream()
                        .filter(w -> !comments.get(s.key()).contains(w))
                        .toList();
                if (!unnamed.isEmpty()) {
                    problems.add(s.key() + "'s comment does not list the allowed values " + unnamed);
                }
            }
        }
        documented.keySet().stream()
                .filter(k -> !declared.containsKey(k))
                .forEach(k -> problems.add(k + " is not a known setting"));
        return problems;
    }

    /**
     * Checks one value against its setting's rule, once, at load. An empty value is accepted only for a setting
     * whose default is empty too (an optional setting its reader tests with {@link Settings#isSet}), free text, or a
     * list (empty: no entries).
     */
    private static void validate(Setting s, String value) {
        if (value.isEmpty()) {
            if (!s.defaultValue().isEmpty()
                    && !(s.rule() instanceof Rule.Text)
                    && !(s.rule() instanceof Rule.PositiveIntegers)) {
                throw new SettingsException(s.key() + " is required but was not set (use --set " + s.key() + "=...)");
            }
            return;
        }
        s.rule().check(s.key(), value);
    }

    private void put(Map<String, String> values, String key, String value, String where) {
        if (!declared.containsKey(key)) {
            throw new SettingsException("unknown setting '" + key + "' " + where + suggestion(key));
        }
        values.put(key, value.trim());
    }

    private String suggestion(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : declared.keySet()) {
            int d = distance(key, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best != null && bestDistance <= 3 ? " (did you mean '" + best + "'?)" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String expand(String key, String value) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        List<String> missing = new ArrayList<>();
        while (m.find()) {
            String name = m.group(2);
            String v = m.group(1) != null ? System.getenv(name) : System.getProperty(name);
            if (v == null) {
                missing.add(m.group());
                v = m.group();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        if (!missing.isEmpty()) {
            throw new SettingsException(key + " refers to undefined " + missing + " in '" + value + "'");
        }
        return out.toString();
    }
}
