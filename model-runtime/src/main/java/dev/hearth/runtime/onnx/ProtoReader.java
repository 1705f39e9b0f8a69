package dev.hearth.runtime.onnx;

import java.nio.charset.StandardCharsets;

/**
 * Reads the protocol buffers wire format from a byte range, field by field: just enough to read the top of an
 * ONNX {@code ModelProto} without generated code. Every length is checked against the bytes that remain, so a cut
 * file or random bytes end in a {@link Malformed} naming the offset, never in a read past the end.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    /** The bytes are not valid wire format; {@code truncated} when they end inside a field. */
    static final class Malformed extends Exception {
        final boolean truncated;

        Malformed(String message, boolean truncated) {
            super(message);
            this.truncated = truncated;
        }
    }

    private final byte[] bytes;
    private final int end;
    private int pos;
    private int tag;

    ProtoReader(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    private ProtoReader(byte[] bytes, int from, int end) {
        this.bytes = bytes;
        this.pos = from;
        this.end = end;
    }

    /** Moves to the next field; false at the end of the range. */
    boolean next() throws Malformed {
        if (pos >= end) {
            return false;
        }
        int at = pos;
        long t = varint();
        int field = (int) (t >>> 3);
        int wire = (int) (t & 7);
        if (field < 1
                || t > Integer.MAX_VALUE
                || (wire != VARINT && wire != FIXED64 && wire != LENGTH_DELIMITED && wire != FIXED32)) {
            throw new Malformed(
                    "byte " + at + " holds no valid field key (field " + field + ", wire type " + wire + ")", false);
        }
        tag = (int) t;
        return true;
    }

    int field() {
        return tag >>> 3;
    }

    int wireType() {
        return tag & 7;
    }

    /** The current field's value as an integer (varint or fixed). */
    long integer() throws Malformed {
        return switch (wireType()) {
            case VARINT -> varint();
            case FIXED64 -> fixed(8);
            case FIXED32 -> fixed(4);
            default ->
                throw new Malformed(
                        "field " + field() + " before byte " + pos + " should be a number but is " + "length-delimited",
                        false);
        };
    }

    /** The current length-delimited field as UTF-8 text. */
    String string() throws Malformed {
        int[] range = range();
        return new String(bytes, range[0], range[1] - range[0], StandardCharsets.UTF_8);
    }

    /** A reader over the current length-delimited field (a nested message). */
    ProtoReader message() throws Malformed {
        int[] range = range();
        return new ProtoReader(bytes, range[0], range[1]);
    }

    /** Skips the current field's value. */
    void skip() throws Malformed {
        switch (wireType()) {
            case VARINT -> varint();
            case FIXED64 -> fixed(8);
            case FIXED32 -> fixed(4);
            default -> range();
        }
    }

    private int[] range() throws Malformed {
        if (wireType() != LENGTH_DELIMITED) {
            throw new Malformed(
                    "field " + field() + " before byte " + pos + " should be length-delimited but has " + "wire type "
                            + wireType(),
                    false);
        }
        int at = pos;
        long n = varint();
        if (n < 0 || n > end - pos) {
            throw new Malformed(
                    "field " + field() + " at byte " + at + " claims " + n + " bytes but only " + (end - pos)
                            + " remain",
                    true);
        }
        int from = pos;
        pos += (int) n;
        return new int[] {from, pos};
    }

    private long varint() throws Malformed {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw new Malformed("the bytes end inside a number at byte " + pos, true);
            }
            byte b = bytes[pos++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new Malformed("a number before byte " + pos + " is longer than 10 bytes", false);
    }

    private long fixed(int n) throws Malformed {
        if (end - pos < n) {
            throw new Malformed("the bytes end inside a " + (8 * n) + "-bit number at byte " + pos, true);
        }
        long value = 0;
        for (int i = 0; i < n; i++) {
            value |= (long) (bytes[pos++] & 0xff) << (8 * i);
        }
        return value;
    }
}
