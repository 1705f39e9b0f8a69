package dev.hearth.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.Map;

/**
 * The {@code metadata.json} of one stored version: identity, the publisher's {@link ModelDescription} (framework,
 * signature, metrics, the resolved training settings, provenance, free tags), the SHA-256 of every file and the
 * encryption entry. {@code formatVersion} is written first; readers refuse a newer format. The description's fields
 * are written inline, after {@code creator}, so the JSON is flat (formats 1 to 3 alike).
 *
 * @param formatVersion metadata format; see {@link #FORMAT_VERSION}
 * @param name model name
 * @param version version number, allocated by the store
 * @param createdAt ISO-8601 instant of the commit
 * @param creator user and host that published
 * @param description what the publisher said about the model; its fields also read directly ({@link Described})
 * @param files per-file checksums and sizes (of the plaintext when the version is encrypted)
 * @param encryption how the files are encrypted, null for a plaintext version
 */
@JsonPropertyOrder({"formatVersion", "name", "version", "createdAt", "creator", "description", "files", "encryption"})
public record ModelMetadata(
        int formatVersion,
        String name,
        int version,
        String createdAt,
        String creator,
        @JsonUnwrapped ModelDescription description,
        Map<String, FileEntry> files,
        EncryptionInfo encryption)
        implements Described {

    /** The flat form, as {@code metadata.json} holds it (the description's fields after {@code creator}). */
    @JsonCreator
    public ModelMetadata(
            @JsonProperty("formatVersion") int formatVersion,
            @JsonProperty("name") String name,
            @JsonProperty("version") int version,
            @JsonProperty("createdAt") String createdAt,
            @JsonProperty("creator") String creator,
            @JsonProperty("framework") String framework,
            @JsonProperty("signature") Signature signature,
            @JsonProperty("metrics") Map<String, Double> metrics,
            @JsonProperty("training") Map<String, String> training,
            @JsonProperty("provenance") Map<String, Object> provenance,
            @JsonProperty("tags") Map<String, String> tags,
            @JsonProperty("files") Map<String, FileEntry> files,
            @JsonProperty("encryption") EncryptionInfo encryption) {
        this(
                formatVersion,
                name,
                version,
                createdAt,
                creator,
                new ModelDescription(framework, signature, metrics, training, provenance, tags),
                files,
                encryption);
    }

    /**
     * The newest metadata format this code reads and writes. 3 added tensor signatures (named inputs and outputs
     * of any shape and datatype, e.g. imported ONNX graphs); 2 added the regression signature (task, targets and a
     * target normaliser whose inverse must be applied to the outputs); 1 is classification, and regression without
     * target scaling. 3 also added {@code encryption} ({@link EncryptionInfo}): an encrypted version is written as 3 whatever its signature.
     */
    public static final int FORMAT_VERSION = 3;

    /**
     * The oldest format that can describe {@code signature}, so readers of format 1 keep reading classifiers, while
     * a regression model, whose outputs such a reader would use without the target normaliser's inverse, is refused
     * by them with both format numbers instead; a tensor signature, which neither format can describe, needs 3.
     */
    public static int formatVersionFor(Signature signature) {
        if (signature != null && !signature.isFeatureRows()) {
            return 3;
        }
        return signature != null && signature.isRegression() ? 2 : 1;
    }

    /** The same metadata with another encryption entry and the format version that entry needs. */
    public ModelMetadata withEncryption(EncryptionInfo info) {
        int format = info == null
                ? formatVersionFor(signature())
                : Math.max(formatVersion, EncryptionInfo.MIN_METADATA_FORMAT);
        return new ModelMetadata(format, name, version, createdAt, creator, description, files, info);
    }

    public ModelMetadata {
        description = description == null ? new ModelDescription(null, null, null, null, null, null) : description;
        files = ModelDescription.sorted(files);
    }
}
