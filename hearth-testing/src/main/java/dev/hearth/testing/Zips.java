package dev.hearth.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** Tampered model archives for the loaders' guard tests. */
public final class Zips {
    private Zips() {}

    /** A copy of {@code zip} with one more entry at the end. */
    public static byte[] withEntry(byte[] zip, String name, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip));
                ZipOutputStream z = new ZipOutputStream(out)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                z.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(z);
                z.closeEntry();
            }
            z.putNextEntry(new ZipEntry(name));
            z.write(data);
            z.closeEntry();
        }
        return out.toByteArray();
    }
}
