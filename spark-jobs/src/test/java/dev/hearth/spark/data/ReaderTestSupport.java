package dev.hearth.spark.data;

import dev.hearth.spark.LocalSpark;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One local[2] session for a reader test class, and spec shortcuts. */
abstract class ReaderTestSupport {
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("reader-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static DatasetSpec csv(
            String path, String label, boolean header, char delimiter, List<String> features, boolean skip) {
        return new DatasetSpec(path, "csv", label, header, delimiter, features, false, 0, skip);
    }

    static DatasetSpec spec(String path, String format, String label, boolean zeroBased, boolean skip) {
        return new DatasetSpec(path, format, label, true, ',', List.of(), zeroBased, 0, skip);
    }

    static List<LabelledRow> rows(DatasetSpec spec) {
        return new DatasetLoader(spark).read(spec).rows().collect();
    }
}
