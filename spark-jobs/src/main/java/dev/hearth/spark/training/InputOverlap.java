package dev.hearth.spark.training;

import dev.hearth.config.SettingsException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Refuses inputs that share files: a validation, test or evaluation input that is the training input, lies inside
 * it or contains it would score the model on rows it trained on. Inputs may be comma-separated lists (as Hadoop
 * reads them) and globs; each entry is qualified on its file system (so {@code /x} and {@code file:/x} match) and
 * globs are expanded, then every pair from different inputs is compared: the same path, or one under the other.
 */
public final class InputOverlap {
    private InputOverlap() {}

    /**
     * @param inputs setting name (or description) → its path value; empty values are ignored
     * @throws SettingsException naming both settings, their values and the shared path
     */
    public static void refuse(Map<String, String> inputs, Configuration conf) {
        List<String> names = new ArrayList<>();
        List<List<Path>> paths = new ArrayList<>();
        inputs.forEach((name, value) -> {
            if (value != null && !value.isBlank()) {
                names.add(name);
                paths.add(resolve(name, value, conf));
            }
        });
        for (int a = 0; a < names.size(); a++) {
            for (int b = a + 1; b < names.size(); b++) {
                for (Path pa : paths.get(a)) {
                    for (Path pb : paths.get(b)) {
                        String why = overlap(pa, pb);
                        if (why != null) {
                            throw new SettingsException(names.get(a) + " " + inputs.get(names.get(a)) + " and "
                                    + names.get(b) + " " + inputs.get(names.get(b)) + " overlap (" + why
                                    + "): held-out rows must never be training rows; give them disjoint paths");
                        }
                    }
                }
            }
        }
    }

    private static String overlap(Path a, Path b) {
        String sa = a.toString();
        String sb = b.toString();
        if (sa.equals(sb)) {
            return "both read " + sa;
        }
        if (sb.startsWith(sa.endsWith("/") ? sa : sa + "/")) {
            return sb + " lies inside " + sa;
        }
        if (sa.startsWith(sb.endsWith("/") ? sb : sb + "/")) {
            return sa + " lies inside " + sb;
        }
        return null;
    }

    /** The qualified paths of a comma-separated list of paths and globs. */
    static List<Path> resolve(String name, String value, Configuration conf) {
        List<Path> out = new ArrayList<>();
        for (String entry : entries(value)) {
            Path p = new Path(entry);
            try {
                FileSystem fs = p.getFileSystem(conf);
                FileStatus[] matches = hasGlob(entry) ? fs.globStatus(p) : null;
                if (matches != null && matches.length > 0) {
                    for (FileStatus m : matches) {
                        out.add(fs.makeQualified(m.getPath()));
                    }
                } else {
                    out.add(fs.makeQualified(p));
                }
            } catch (IOException | IllegalArgumentException e) {
                throw new SettingsException(name + " entry '" + entry + "' cannot be resolved: " + e.getMessage());
            }
        }
        return out;
    }

    /** Splits at commas outside {@code {...}} glob alternatives, the way Hadoop's input formats do. */
    static List<String> entries(String value) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && depth > 0) {
                depth--;
            } else if (c == ',' && depth == 0) {
                add(out, value.substring(start, i));
                start = i + 1;
            }
        }
        add(out, value.substring(start));
        return out;
    }

    private static void add(List<String> out, String entry) {
        if (!entry.isBlank()) {
            out.add(entry.strip());
        }
    }

    private static boolean hasGlob(String s) {
        return s.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }
}
