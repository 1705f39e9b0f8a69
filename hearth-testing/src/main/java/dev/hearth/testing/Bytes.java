package dev.hearth.testing;

import java.util.zip.Deflater;

/** Checks on raw bytes that encryption tests share: is a plaintext run present, does the data still compress. */
public final class Bytes {
    private Bytes() {}

    /** The first index of {@code needle} in {@code hay}, or -1. */
    public static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The size of {@code b} deflated at the best compression: ciphertext stays at ~100%, plaintext shrinks. */
    public static int deflated(byte[] b) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        d.setInput(b);
        d.finish();
        byte[] buf = new byte[b.length + 1024];
        int n = 0;
        while (!d.finished()) {
            n += d.deflate(buf, n, buf.length - n);
        }
        d.end();
        return n;
    }
}
