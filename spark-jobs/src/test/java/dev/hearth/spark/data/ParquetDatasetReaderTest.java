package dev.hearth.spark.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetDatasetReaderTest extends ReaderTestSupport {
    @TempDir
    Path dir;

    @Test
    void numericColumnsAndALabel() {
        StructType schema = new StructType()
                .add("x", DataTypes.DoubleType)
                .add("n", DataTypes.IntegerType)
                .add("species", DataTypes.StringType);
        Dataset<Row> df =
                spark.createDataFrame(List.of(RowFactory.create(1.5, 2, "a"), RowFactory.create(3.0, 4, "b")), schema);
        String path = dir.resolve("num.parquet").toString();
        df.write().parquet(path);
        LabelledData data = new DatasetLoader(spark).read(spec(path, "parquet", "species", false, false));
        assertThat(data.featureNames()).containsExactly("x", "n");
        assertThat(data.rows().collect()).anySatisfy(r -> {
            assertThat(r.label()).isEqualTo("b");
            assertThat(r.features()).containsExactly(3f, 4f);
        });
    }

    @Test
    void oneVectorColumnIsFlattened() {
        StructType schema = new StructType()
                .add("features", new org.apache.spark.ml.linalg.VectorUDT())
                .add("label", DataTypes.DoubleType);
        Dataset<Row> df = spark.createDataFrame(
                List.of(
                        RowFactory.create(Vectors.dense(1, 2, 3), 0.0),
                        RowFactory.create(Vectors.sparse(3, new int[] {2}, new double[] {9}), 1.0)),
                schema);
        String path = dir.resolve("vec.parquet").toString();
        df.write().parquet(path);
        LabelledData data = new DatasetLoader(spark).read(spec(path, "parquet", "label", false, false));
        assertThat(data.featureCount()).isEqualTo(3);
        assertThat(data.rows().collect()).anySatisfy(r -> {
            assertThat(r.label()).isEqualTo("1"); // the double 1.0 in canonical form, as CSV writes it
            assertThat(r.features()).containsExactly(0f, 0f, 9f);
        });
    }

    @Test
    void arrayColumnNullsAndBadTypesAreNamed() {
        StructType schema = new StructType()
                .add("pixels", DataTypes.createArrayType(DataTypes.FloatType))
                .add("label", DataTypes.StringType);
        Dataset<Row> df = spark.createDataFrame(
                List.of(RowFactory.create(new float[] {1f, 2f}, "a"), RowFactory.create(null, "b")), schema);
        String path = dir.resolve("arr.parquet").toString();
        df.coalesce(1).write().parquet(path);
        assertThatThrownBy(() -> rows(spec(path, "parquet", "label", false, false)))
                .rootCause()
                .hasMessageContaining("has a null 'pixels'")
                .hasMessageContaining(".parquet");
        DatasetLoader loader = new DatasetLoader(spark);
        assertThat(loader.read(spec(path, "parquet", "label", false, true))
                        .rows()
                        .collect())
                .hasSize(1);
        assertThat(loader.skippedRows()).isEqualTo(1);
        assertThatThrownBy(() -> rows(spec(path, "parquet", "target", false, false)))
                .hasMessageContaining("data.label.column 'target' is not a column");
    }
}
