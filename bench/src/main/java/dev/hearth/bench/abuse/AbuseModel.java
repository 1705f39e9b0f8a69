package dev.hearth.bench.abuse;

import dev.hearth.store.Signature;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The model the suite serves and the requests it sends: a DL4J {@code model.zip} (as {@code ModelSerializer}
 * writes it), its signature, and raw feature rows for request bodies.
 *
 * @param zip the model file's bytes
 * @param signature input, labels and normaliser, as published
 * @param rows raw (unnormalised) feature rows, each {@code signature.featureCount()} wide
 */
public record AbuseModel(byte[] zip, Signature signature, float[][] rows) {
    public AbuseModel {
        if (rows.length == 0 || rows[0].length != signature.featureCount()) {
            throw new IllegalArgumentException(
                    "rows must be non-empty and " + signature.featureCount() + " wide (the signature's featureCount)");
        }
    }

    /** Valid single-row OIP v2 requests, one per row for the first {@code n} rows. */
    List<String> singleRowBodies(int n) {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < Math.min(n, rows.length); i++) {
            bodies.add(body(i, 1));
        }
        return bodies;
    }

    /** A valid OIP v2 request with {@code count} rows (rows reused in turn) starting at row {@code first}. */
    String body(int first, int count) {
        StringBuilder b = new StringBuilder("{\"inputs\":[{\"name\":\"")
                .append(signature.inputName())
                .append("\",\"shape\":[")
                .append(count)
                .append(',')
                .append(signature.featureCount())
                .append("],\"datatype\":\"FP32\",\"data\":[");
        for (int r = 0; r < count; r++) {
            appendRow(b.append(r == 0 ? "" : ","), rows[(first + r) % rows.length]);
        }
        return b.append("]}]}").toString();
    }

    /**
     * A valid OIP v2 request of exactly {@code size} bytes: as many rows as fit (at most {@code maxRows}), padded
     * with JSON whitespace.
     */
    byte[] bodyOfSize(long size, int maxRows) {
        int perRow = body(0, 2).length() - body(0, 1).length() + 8;
        int count = (int) Math.max(1, Math.min(maxRows, (size - 200) / perRow));
        byte[] json = body(0, count).getBytes(StandardCharsets.UTF_8);
        while (json.length > size && count > 1) {
            count = count * 9 / 10;
            json = body(0, count).getBytes(StandardCharsets.UTF_8);
        }
        byte[] padded = Arrays.copyOf(json, (int) size);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    private static void appendRow(StringBuilder b, float[] row) {
        for (int j = 0; j < row.length; j++) {
            float v = row[j];
            b.append(j == 0 ? "" : ",").append((int) v == v ? Integer.toString((int) v) : Float.toString(v));
        }
    }
}
