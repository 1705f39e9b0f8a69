package dev.hearth.store;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code metadata.json} of one stored version: identity, signature, metrics, the resolved training settings,
 * provenance, free tags and the SHA-256 of every file. {@code formatVersion} is written first; readers refuse a
 * newer format.
 *
 * @param formatVersion metadata format; see {@link #FORMAT_VERSION}
 * @param name model name
 * @param version version number, allocated by the store
 * @param createdAt ISO-8601 instant of the commit
 * @param creator user and host that published
 * @param framework the framework that reads the model file: {@code dl4j-multilayer} ({@code model.zip}) or
 *     {@code onnx} ({@code model.onnx})
 * @param signature inputs, outputs and normaliser
 * @param metrics evaluation metrics on the held-out split
 * @param training resolved training settings
 * @param provenance where the model came from (dataset, Spark app, versions, timings)
 * @param tags free key/value tags
 * @param files per-file checksums and sizes (of the plaintext when the version is encrypted)
 * @param encryption how the files are encrypted, null for a plaintext version
 */
@JsonPropertyOrder({"formatVersion", "name", "version", "createdAt", "creator", "framework"})
public record ModelMetadata(
        int formatVersion,
        String name,
        int version,
        String createdAt,
        String creator,
        String framework,
        Signature signature,
        Map<String, Double> metrics,
        Map<String, String> training,
        Map<String, Object> provenance,
        Map<String, String> tags,
        Map<String, FileEntry> files,
        EncryptionInfo encryption) {

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
        int format = info == null ? formatVersionFor(signature)
                : Math.max(formatVersion, EncryptionInfo.MIN_METADATA_FORMAT);
        return new ModelMetadata(format, name, version, createdAt, creator, framework, signature, metrics, training,
                provenance, tags, files, info);
    }

    public ModelMetadata {
        metrics = sorted(metrics);
        training = sorted(training);
        provenance = sorted(provenance);
        tags = sorted(tags);
        files = sorted(files);
    }

    private static <V> Map<String, V> sorted(Map<String, V> m) {
        return m == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(m));
    }
}
