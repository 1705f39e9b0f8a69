package dev.hearth.store;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Map;

/**
 * Reads the two buffer headers of an ND4J array as {@code Nd4j.write} stores it (shape buffer, then data buffer;
 * each: allocation mode as modified UTF-8, element count as a long, data type name, then the elements) and checks
 * that the counts fit in the bytes the entry really has. {@code Nd4j.read} allocates the declared count off-heap
 * before it reads a single element, so the count is hostile input like any other.
 */
final class NdArrayHeader {
    /** Bytes of an entry kept for the check: both headers and the shape buffer fit easily. */
    static final int HEAD_BYTES = 4096;
    /** ND4J's largest rank is 32; a shape buffer holds rank * 2 + 4 longs. */
    private static final long MAX_SHAPE_ELEMENTS = 32 * 2 + 4;

    private static final Map<String, Integer> ELEMENT_BYTES = Map.ofEntries(
            Map.entry("DOUBLE", 8),
            Map.entry("FLOAT", 4),
            Map.entry("HALF", 2),
            Map.entry("BFLOAT16", 2),
            Map.entry("LONG", 8),
            Map.entry("INT", 4),
            Map.entry("SHORT", 2),
            Map.entry("BYTE", 1),
            Map.entry("UBYTE", 1),
            Map.entry("BOOL", 1),
            Map.entry("UINT16", 2),
            Map.entry("UINT32", 4),
            Map.entry("UINT64", 8));

    private NdArrayHeader() {}

    /**
     * @param head the entry's first bytes
     * @param headLength how many of {@code head} are the entry's
     * @param entryBytes the entry's whole uncompressed length
     * @param what names the entry in errors
     * @throws ModelFormatException when a header is unreadable or declares more than the entry holds
     */
    static void check(byte[] head, int headLength, long entryBytes, String what) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(head, 0, headLength))) {
            long remaining = entryBytes;
            for (String buffer : new String[] {"shape", "data"}) {
                int before = in.available();
                in.readUTF();
                long count = in.readLong();
                String type = in.readUTF();
                remaining -= before - in.available();
                Integer size = ELEMENT_BYTES.get(type);
                if (size == null) {
                    throw new ModelFormatException(what + ": " + buffer + " buffer has data type '"
                            + type.codePoints()
                                    .limit(40)
                                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                            + "', which is not a numeric ND4J type");
                }
                long limit = buffer.equals("shape") ? MAX_SHAPE_ELEMENTS : remaining / size;
                if (count < 0 || count > limit || count * size > remaining) {
                    throw new ModelFormatException(what + ": " + buffer + " buffer declares " + count + " " + type
                            + " elements but the entry holds " + Math.max(0, remaining) + " more bytes"
                            + (buffer.equals("shape") ? " (a shape has at most " + MAX_SHAPE_ELEMENTS + ")" : "")
                            + "; refusing to load it");
                }
                if (buffer.equals("shape")) {
                    in.skipNBytes(count * size);
                }
                remaining -= count * size;
            }
        } catch (IOException e) {
            throw new ModelFormatException(what + " does not start with ND4J array headers: " + e, e);
        }
    }
}
