package dev.hearth.spark.data;

import java.io.Serializable;
import java.util.List;

/**
 * The column layout of a CSV input: the header (given or generated as {@code c0..cN}), which column is the label,
 * and the delimiter.
 *
 * @param columns column names in file order
 * @param labelIndex index of the label column
 * @param delimiter field delimiter
 * @param header whether files start with a header line
 */
public record CsvSchema(List<String> columns, int labelIndex, char delimiter, boolean header) implements Serializable {
    public CsvSchema {
        columns = List.copyOf(columns);
        if (labelIndex < 0 || labelIndex >= columns.size()) {
            throw new IllegalArgumentException("label index " + labelIndex + " outside 0.." + (columns.size() - 1));
        }
    }

    /** Number of feature columns (all but the label). */
    public int featureCount() {
        return columns.size() - 1;
    }

    /** Feature column names in order. */
    public List<String> featureNames() {
        return java.util.stream.IntStream.range(0, columns.size())
                .filter(i -> i != labelIndex)
                .mapToObj(columns::get)
                .toList();
    }
}
