package dev.hearth.spark.data;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;

/**
 * Rows read from one input with its feature layout.
 *
 * @param rows parsed rows (lazy)
 * @param featureNames names of the features in row order
 * @param source the input path, for messages and provenance
 */
public record LabelledData(JavaRDD<LabelledRow> rows, List<String> featureNames, String source) {
    public int featureCount() {
        return featureNames.size();
    }
}
