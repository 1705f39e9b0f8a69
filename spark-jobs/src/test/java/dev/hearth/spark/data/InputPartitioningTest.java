package dev.hearth.spark.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One input file (CSV or Parquet) is spread over the cores, the same way in every run. */
class InputPartitioningTest extends ReaderTestSupport {
    @TempDir
    Path dir;

    /** Per partition, the rows' labels and first features, in order. */
    private static List<List<String>> layout(JavaRDD<LabelledRow> rows) {
        return rows.map(r -> r.label() + ":" + r.features()[0]).glom().collect();
    }

    private static void assertSpreadTheSameWayTwice(DatasetSpec spec, int rows) {
        JavaRDD<LabelledRow> first = new DatasetLoader(spark).read(spec).rows();
        assertThat(first.getNumPartitions())
                .as("spread over local[2]'s two cores")
                .isEqualTo(2);
        List<List<String>> layout = layout(first);
        assertThat(layout).allSatisfy(p -> assertThat(p.size()).isBetween(rows / 2 - 1, rows / 2 + 1));
        assertThat(layout(new DatasetLoader(spark).read(spec).rows()))
                .as("same partitions, same order")
                .isEqualTo(layout);
    }

    @Test
    void oneCsvFileIsSpreadDeterministically() throws Exception {
        String iris = Path.of(getClass()
                        .getResource("/dev/hearth/spark/data/iris.csv")
                        .toURI())
                .toString();
        assertSpreadTheSameWayTwice(spec(iris, "csv", "label", false, false), 150);
    }

    @Test
    void oneParquetFileIsSpreadLikeText() {
        StructType schema = new StructType().add("x", DataTypes.DoubleType).add("label", DataTypes.StringType);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            rows.add(RowFactory.create((double) i, i % 2 == 0 ? "even" : "odd"));
        }
        Dataset<Row> df = spark.createDataFrame(rows, schema);
        String path = dir.resolve("one.parquet").toString();
        df.coalesce(1).write().parquet(path);
        assertSpreadTheSameWayTwice(spec(path, "parquet", "label", false, false), 101);
    }
}
