package dev.hearth.bench.abuse;

import static dev.hearth.testing.Zips.withEntry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;

/**
 * Model zips an attacker with write access to the store can publish: a valid DL4J zip with one entry added.
 * They pass the store's SHA-256 check (the store records whatever the writer wrote).
 */
final class TamperedZips {
    /** The entry DL4J 1.0.0-M2 reads with {@code ObjectInputStream.readObject} when present. */
    static final String PREPROCESSOR_ENTRY = "preprocessor.bin";
    /** An entry Hearth never writes. */
    static final String EXTRA_ENTRY = "extra.bin";

    private TamperedZips() {}

    /** {@code zip} with an added entry {@code name} holding {@code content}. */
    /** A valid zip plus an {@value #EXTRA_ENTRY} entry of arbitrary bytes. */
    static byte[] withExtraEntry(byte[] zip) throws IOException {
        return withEntry(
                zip, EXTRA_ENTRY, "not part of any DL4J model".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A valid zip plus a {@value #PREPROCESSOR_ENTRY} entry holding a serialized {@link DeserializationCanary}. */
    static byte[] withPreprocessor(byte[] zip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(new DeserializationCanary());
        }
        return withEntry(zip, PREPROCESSOR_ENTRY, bytes.toByteArray());
    }
}
