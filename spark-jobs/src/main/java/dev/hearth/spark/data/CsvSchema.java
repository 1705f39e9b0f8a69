package dev.hearth.spark.data;

import java.io.Serializable;
import java.util.List;

/**
 * The column layout of a CSV input: the header (given or generated as {@code c0..cN}), which column is the label,
 * which columns are features, and the delimiter.
 *
 * @param columns column names in file order
 * @param labelIndex index of the label column, -1 for unlabelled input (batch scoring)
 * @param featureIndexes indexes of the feature columns, in feature order
 * @param delimiter field delimiter
 * @param header whether files start with a header line
 */
public record CsvSchema(
        List<String> columns, int labelIndex, List<Integer> featureIndexes, char delimiter, boolean header)
        implements Serializable {
    public CsvSchema {
        columns = List.copyOf(columns);
        featureIndexes = List.copyOf(featureIndexes);
        if (labelIndex < -1 || labelIndex >= columns.size()) {
            throw new IllegalArgumentException("label index " + labelIndex + " outside 0.." + (columns.size() - 1));
        }
    }

    /** Every column but the label is a feature. */
    public static CsvSchema allFeatures(List<String> columns, int labelIndex, char delimiter, boolean header) {
        List<Integer> features = java.util.stream.IntStream.range(0, columns.size())
                .filter(i -> i != labelIndex)
                .boxed()
                .toList();
        return new CsvSchema(columns, labelIndex, features, delimiter, header);
    }

    /** Number of feature columns. */
    public int featureCount() {
        return featureIndexes.size();
    }

    /** Feature column names in order. */
    public List<String> featureNames() {
        return featureIndexes.stream().map(columns::get).toList();
    }
}
