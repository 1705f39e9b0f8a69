package dev.hearth.spark.data;

import java.util.List;

/**
 * Where and how to read labelled data.
 *
 * @param path file or directory on any Hadoop path
 * @param format {@code csv}, {@code libsvm} or {@code parquet}
 * @param labelColumn label column name (or 0-based index for CSV without header)
 * @param header CSV: whether files start with a header line
 * @param delimiter CSV field delimiter
 * @param features explicit feature columns (CSV/Parquet); empty = every column but the label; for Parquet a single
 *     array/vector column is flattened
 * @param libsvmZeroBased LibSVM: whether feature indices start at 0 (default 1)
 * @param featureCount LibSVM: number of features, 0 = the largest index seen
 * @param skipBadRows {@code true} to skip (and count) malformed rows instead of failing
 */
public record DatasetSpec(
        String path,
        String format,
        String labelColumn,
        boolean header,
        char delimiter,
        List<String> features,
        boolean libsvmZeroBased,
        int featureCount,
        boolean skipBadRows) {
    public DatasetSpec {
        features = List.copyOf(features);
    }

    /** The same spec for another path (validation/test inputs, batch scoring). */
    public DatasetSpec withPath(String otherPath) {
        return new DatasetSpec(
                otherPath,
                format,
                labelColumn,
                header,
                delimiter,
                features,
                libsvmZeroBased,
                featureCount,
                skipBadRows);
    }
}
