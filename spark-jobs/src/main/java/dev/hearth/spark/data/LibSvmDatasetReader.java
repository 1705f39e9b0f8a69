package dev.hearth.spark.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Reads LibSVM / SVMlight text ({@code label index:value index:value ...}, sparse, 1-based indices by default) into
 * dense {@link LabelledRow}s. The feature count is the largest index seen unless given.
 */
public final class LibSvmDatasetReader {
    private final JavaSparkContext sc;

    public LibSvmDatasetReader(JavaSparkContext sc) {
        this.sc = sc;
    }

    public LabelledData read(DatasetSpec spec, LongAccumulator skipped) {
        return read(spec, skipped, null);
    }

    /** Reads {@code spec}; {@code precision}, when given, notes values float32 cannot hold all digits of. */
    public LabelledData read(DatasetSpec spec, LongAccumulator skipped, PrecisionLoss precision) {
        boolean zeroBased = spec.libsvmZeroBased();
        int count = spec.featureCount();
        if (count <= 0) {
            // One extra pass: the largest index defines the width (rows that fail to parse fail here too).
            int maxIndex = TextInput.parse(
                            sc,
                            spec.path(),
                            (line, row, start, where) -> widthProbe(line, zeroBased, where),
                            spec.skipBadRows(),
                            sc.sc().longAccumulator())
                    .map(r -> r.features().length)
                    .fold(0, Math::max);
            if (maxIndex == 0) {
                throw new DataFormatException("input " + spec.path() + " has no LibSVM rows with features");
            }
            count = maxIndex;
        }
        int width = count;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            names.add("f" + (zeroBased ? i : i + 1));
        }
        return new LabelledData(
                TextInput.parse(
                        sc,
                        spec.path(),
                        (line, row, start, where) -> parseLine(line, width, zeroBased, precision, where),
                        spec.skipBadRows(),
                        skipped),
                names,
                spec.path());
    }

    private static LabelledRow widthProbe(String line, boolean zeroBased, String where) {
        String[] tokens = tokens(line, where);
        int max = 0;
        for (int t = 1; t < tokens.length; t++) {
            max = Math.max(max, index(tokens[t], zeroBased, where) + 1);
        }
        return new LabelledRow(tokens[0], new float[max]);
    }

    /** Parses one line into a dense row of {@code width} features. */
    static LabelledRow parseLine(String line, int width, boolean zeroBased, String where) {
        return parseLine(line, width, zeroBased, null, where);
    }

    static LabelledRow parseLine(String line, int width, boolean zeroBased, PrecisionLoss precision, String where) {
        String[] tokens = tokens(line, where);
        float[] features = new float[width];
        int previous = -1;
        for (int t = 1; t < tokens.length; t++) {
            String token = tokens[t];
            int index = index(token, zeroBased, where);
            if (index >= width) {
                throw new DataFormatException(where + " has feature index " + (zeroBased ? index : index + 1)
                        + " but the data has " + width + " features");
            }
            if (index <= previous) {
                throw new DataFormatException(where + " has feature indices out of ascending order at '" + token + "'");
            }
            previous = index;
            String value = token.substring(token.indexOf(':') + 1);
            features[index] = FeatureValues.parse(value, "f" + (zeroBased ? index : index + 1), where, precision);
        }
        return new LabelledRow(tokens[0], features);
    }

    private static String[] tokens(String line, String where) {
        int hash = line.indexOf('#');
        String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
        String[] tokens = content.split("\\s+");
        if (content.isEmpty() || tokens[0].contains(":")) {
            throw new DataFormatException(where + " has no label before its features: '" + abbreviate(line) + "'");
        }
        return tokens;
    }

    private static int index(String token, boolean zeroBased, String where) {
        int colon = token.indexOf(':');
        if (colon <= 0) {
            throw new DataFormatException(where + " has '" + token + "' where index:value was expected");
        }
        int raw;
        try {
            raw = Integer.parseInt(token.substring(0, colon));
        } catch (NumberFormatException e) {
            throw new DataFormatException(where + " has non-integer feature index in '" + token + "'");
        }
        int index = zeroBased ? raw : raw - 1;
        if (index < 0) {
            throw new DataFormatException(where + " has feature index " + raw + " below " + (zeroBased ? 0 : 1)
                    + " (data.libsvm.zero.based=" + zeroBased + ")");
        }
        return index;
    }

    private static String abbreviate(String line) {
        return line.length() <= 40 ? line : line.substring(0, 40) + "...";
    }
}
