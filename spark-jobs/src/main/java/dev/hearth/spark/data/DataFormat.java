package dev.hearth.spark.data;

import dev.hearth.config.Choice;

/** {@code data.format}: how the data files are read (the word is what {@link DatasetSpec#format()} holds). */
public enum DataFormat implements Choice {
    /** Delimited text, plain or gzip. */
    CSV,
    /** LibSVM sparse text. */
    LIBSVM,
    /** Parquet columns. */
    PARQUET;

    /** The format {@code spec} names ({@code data.format} was checked at load; a spec built in code is checked here). */
    public static DataFormat of(DatasetSpec spec) {
        return Choice.parse("data.format", spec.format(), DataFormat.class);
    }
}
