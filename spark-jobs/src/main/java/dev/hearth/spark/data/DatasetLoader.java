package dev.hearth.spark.data;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * Reads a {@link DatasetSpec} with the reader of its format; one accumulator counts skipped bad rows, another
 * collects values that lose digits as float32.
 */
public final class DatasetLoader {
    private final SparkSession spark;
    private final LongAccumulator skipped;
    private final PrecisionLoss precision;

    public DatasetLoader(SparkSession spark) {
        this.spark = spark;
        this.skipped = spark.sparkContext().longAccumulator("hearth.skippedRows");
        this.precision = new PrecisionLoss();
        spark.sparkContext().register(precision, "hearth.precisionLoss");
    }

    /** The rows of {@code spec} (lazy: bad rows surface when first used). */
    public LabelledData read(DatasetSpec spec) {
        return read(spec, "");
    }

    /**
     * The rows of {@code spec}, each carrying the text of {@code keyColumn} as its split key (none when empty).
     *
     * @throws DataFormatException when the key column is not a column of the input (LibSVM has no named columns)
     */
    public LabelledData read(DatasetSpec spec, String keyColumn) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return switch (DataFormat.of(spec)) {
            case LIBSVM -> {
                if (!keyColumn.isEmpty()) {
                    throw new DataFormatException("split.key.column '" + keyColumn + "' cannot be used with "
                            + "data.format=libsvm: LibSVM rows have no named columns");
                }
                yield new LibSvmDatasetReader(sc).read(spec, skipped, precision);
            }
            case PARQUET -> new ParquetDatasetReader(spark).read(spec, skipped, keyColumn, precision);
            case CSV -> new CsvDatasetReader(sc).read(spec, skipped, keyColumn, precision);
        };
    }

    /**
     * Per column, the first feature value read so far whose written digits float32 could not hold (exact once the
     * rows have been computed once).
     */
    public List<PrecisionLoss.Example> precisionLoss() {
        return precision.value();
    }

    /** The Hadoop configuration inputs are read with. */
    public org.apache.hadoop.conf.Configuration hadoopConfiguration() {
        return spark.sparkContext().hadoopConfiguration();
    }

    /** Rows skipped so far under the {@code skip} policy (exact once the rows have been computed once). */
    public long skippedRows() {
        return skipped.value();
    }
}
