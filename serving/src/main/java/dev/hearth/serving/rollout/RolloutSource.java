package dev.hearth.serving.rollout;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where rollout entries come from: {@code serving.rollout} (fixed for the process) or, when set,
 * {@code serving.rollout.file}, a properties file read again on every refresh so weights change without a restart.
 */
final class RolloutSource {
    private final String list;
    private final Path file;

    /** @param file the rollout file, or null to use {@code list} */
    RolloutSource(String list, Path file) {
        this.list = list;
        this.file = file;
    }

    /**
     * The entries now.
     *
     * @throws IllegalArgumentException when the file cannot be read or an entry is invalid (named)
     */
    Map<String, RolloutSpec> load() {
        if (file == null) {
            return RolloutSpec.parseList("serving.rollout", list);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "serving.rollout.file " + file + " cannot be read: " + e.getMessage(), e);
        }
        Map<String, String> entries = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> entries.put(k, p.getProperty(k)));
        return RolloutSpec.parse("serving.rollout.file " + file, entries);
    }

    String describe() {
        return file == null ? "serving.rollout" : "serving.rollout.file " + file;
    }
}
