package dev.hearth.store;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a publisher hands to {@link ModelStore#publish}: the files to store (written through callbacks so large
 * models stream straight into the store) and the {@link ModelDescription} the publisher knows. The store adds name,
 * version, time, creator and checksums.
 *
 * @param description framework, signature, metrics, training settings, provenance and tags
 * @param files file name to writer; names must be plain file names
 */
public record ModelDraft(ModelDescription description, Map<String, FileWriter> files) implements Described {

    /**
     * A draft of {@code files} described by the six fields of a {@link ModelDescription} (see there), in its order.
     */
    public ModelDraft(
            String framework,
            Signature signature,
            Map<String, Double> metrics,
            Map<String, String> training,
            Map<String, Object> provenance,
            Map<String, String> tags,
            Map<String, FileWriter> files) {
        this(new ModelDescription(framework, signature, metrics, training, provenance, tags), files);
    }

    /** Writes one file's bytes to the stream the store provides (the store closes it). */
    @FunctionalInterface
    public interface FileWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Reserved for the store's own metadata; drafts may not use it. */
    public static final String METADATA_FILE = "metadata.json";

    public ModelDraft {
        if (description == null) {
            throw new IllegalArgumentException("a model draft needs a description");
        }
        if (files == null || files.isEmpty()) {
            throw new IllegalArgumentException("a model draft needs at least one file");
        }
        files = new LinkedHashMap<>(files);
        for (String f : files.keySet()) {
            if (!f.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}") || f.equals(METADATA_FILE)) {
                throw new IllegalArgumentException("file name '" + f + "' is not allowed in a model version");
            }
        }
    }
}
