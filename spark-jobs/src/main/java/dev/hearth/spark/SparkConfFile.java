package dev.hearth.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;

/**
 * Reads a {@code spark-defaults.conf}-style file ({@code key value} or {@code key=value} per line, {@code #}
 * comments) so tests, notebooks and the doctor apply exactly the settings {@code bin/hearth} passes to
 * spark-submit.
 */
public final class SparkConfFile {
    private SparkConfFile() {}

    /** The entries of the file, in file order. */
    public static Map<String, String> read(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int sep = indexOfSeparator(line);
                if (sep < 0) {
                    throw new IllegalArgumentException("line '" + line + "' of " + file + " has no value");
                }
                out.put(line.substring(0, sep).strip(), line.substring(sep + 1).strip());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read Spark configuration " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Applies the file's entries to {@code conf} and returns it. */
    public static SparkConf apply(Path file, SparkConf conf) {
        read(file).forEach(conf::set);
        return conf;
    }

    private static int indexOfSeparator(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '=' || Character.isWhitespace(c)) {
                return i;
            }
        }
        return -1;
    }
}
