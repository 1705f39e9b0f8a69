package dev.hearth.bench.abuse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

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
    static byte[] withEntry(byte[] zip, String name, byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(zip.length + content.length + 256);
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip));
                ZipOutputStream z = new ZipOutputStream(out)) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                z.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(z);
                z.closeEntry();
            }
            z.putNextEntry(new ZipEntry(name));
            z.write(content);
            z.closeEntry();
        }
        return out.toByteArray();
    }

    /** A valid zip plus an {@value #EXTRA_ENTRY} entry of arbitrary bytes. */
    static byte[] withExtraEntry(byte[] zip) throws IOException {
        return withEntry(zip, EXTRA_ENTRY, "not part of any DL4J model".getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
