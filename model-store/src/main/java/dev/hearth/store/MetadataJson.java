package dev.hearth.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;

/** Reads and writes {@code metadata.json}, refusing formats newer than {@link ModelMetadata#FORMAT_VERSION}. */
public final class MetadataJson {
    private final ObjectMapper mapper = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Serialises metadata as indented UTF-8 JSON. */
    public byte[] write(ModelMetadata metadata) {
        try {
            return mapper.writeValueAsBytes(metadata);
        } catch (IOException e) {
            throw new ModelFormatException("cannot serialise metadata of " + metadata.name(), e);
        }
    }

    /**
     * Parses metadata.
     *
     * @param where the file's location, named in errors
     * @throws ModelFormatException when malformed or of a newer format
     */
    public ModelMetadata read(byte[] json, String where) {
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (IOException e) {
            throw new ModelFormatException("metadata " + where + " is not valid JSON: " + e.getMessage(), e);
        }
        JsonNode fv = tree == null ? null : tree.get("formatVersion");
        if (fv == null || !fv.canConvertToInt()) {
            throw new ModelFormatException("metadata " + where + " has no integer formatVersion");
        }
        if (fv.asInt() > ModelMetadata.FORMAT_VERSION) {
            throw new ModelFormatException("metadata " + where + " has formatVersion " + fv.asInt()
                    + " but this Hearth reads formatVersion <= " + ModelMetadata.FORMAT_VERSION + "; upgrade Hearth");
        }
        try {
            return mapper.treeToValue(tree, ModelMetadata.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFormatException("metadata " + where + " is malformed: " + e.getMessage(), e);
        }
    }

    /** The mapper configuration, for callers that print metadata as JSON. */
    public ObjectMapper mapper() {
        return mapper;
    }
}
