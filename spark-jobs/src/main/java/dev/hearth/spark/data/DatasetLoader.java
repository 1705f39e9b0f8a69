package dev.hearth.spark.data;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/** Reads a {@link DatasetSpec} with the reader of its format; one accumulator counts skipped bad rows. */
public final class DatasetLoader {
    private final SparkSession spark;
    private final LongAccumulator skipped;

    public DatasetLoader(SparkSession spark) {
        this.spark = spark;
        this.skipped = spark.sparkContext().longAccumulator("hearth.skippedRows");
    }

    /** The rows of {@code spec} (lazy: bad rows surface when first used). */
    public LabelledData read(DatasetSpec spec) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return switch (spec.format()) {
            case "libsvm" -> new LibSvmDatasetReader(sc).read(spec, skipped);
            case "parquet" -> new ParquetDatasetReader(spark).read(spec, skipped);
            default -> new CsvDatasetReader(sc).read(spec, skipped);
        };
    }

    /** Rows skipped so far under the {@code skip} policy (exact once the rows have been computed once). */
    public long skippedRows() {
        return skipped.value();
    }
}
