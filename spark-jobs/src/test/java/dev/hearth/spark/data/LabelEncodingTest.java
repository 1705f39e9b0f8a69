package dev.hearth.spark.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Label normalisation: the same class read from Parquet (a double) and CSV (an integer) is one label. */
class LabelEncodingTest extends ReaderTestSupport {
    @TempDir
    Path dir;

    @Test
    void numbersWithAPointAnExponentOrAPlusSignBecomeTheirShortestForm() {
        assertThat(LabelEncoding.canonical("1.0")).isEqualTo("1");
        assertThat(LabelEncoding.canonical("1.000")).isEqualTo("1");
        assertThat(LabelEncoding.canonical("+1")).isEqualTo("1");
        assertThat(LabelEncoding.canonical("-1.0")).isEqualTo("-1");
        assertThat(LabelEncoding.canonical("-0.0")).isEqualTo("0");
        assertThat(LabelEncoding.canonical("2.50")).isEqualTo("2.5");
        assertThat(LabelEncoding.canonical("1.0E7")).isEqualTo("10000000");
        assertThat(LabelEncoding.canonical(".5")).isEqualTo("0.5");
        // kept: plain integers (also with leading zeros: likelier codes), text, odd numbers
        for (String kept : List.of("1", "-3", "007", "cat", "1.0.0", "v1.0", "NaN", "Infinity", "1e999999999", "")) {
            assertThat(LabelEncoding.canonical(kept)).as(kept).isEqualTo(kept);
        }
        assertThat(LabelEncoding.canonical(null)).isNull();
    }

    @Test
    void parquetDoubleLabelsAndCsvIntegerLabelsAreTheSameClasses() throws Exception {
        StructType schema = new StructType().add("x", DataTypes.DoubleType).add("label", DataTypes.DoubleType);
        Dataset<Row> df = spark.createDataFrame(
                List.of(
                        RowFactory.create(0.5, 0.0),
                        RowFactory.create(1.5, 1.0),
                        RowFactory.create(2.5, 2.0),
                        RowFactory.create(3.5, 1.0)),
                schema);
        String parquet = dir.resolve("labels.parquet").toString();
        df.write().parquet(parquet);
        Path csv = dir.resolve("labels.csv");
        Files.writeString(csv, "x,label\n0.5,0\n1.5,1\n2.5,2\n");

        TreeSet<String> fromParquet = new TreeSet<>(new DatasetLoader(spark)
                .read(spec(parquet, "parquet", "label", false, false))
                .rows()
                .map(LabelledRow::label)
                .collect());
        TreeSet<String> fromCsv = new TreeSet<>(rows(csv(csv.toString(), "label", true, ',', List.of(), false)).stream()
                .map(LabelledRow::label)
                .toList());
        assertThat(fromParquet).containsExactly("0", "1", "2").isEqualTo(fromCsv);

        // an encoding over one source's classes encodes the other source's rows
        LabelEncoding encoding = LabelEncoding.classes(LabelEncoding.sorted(List.copyOf(fromParquet)));
        float[] y = new float[3];
        encoding.encode("1", y, 0);
        assertThat(y).containsExactly(0f, 1f, 0f);
    }

    @Test
    void aModelListingLabelsTheOldWayStillEncodesCanonicalRows() {
        // a model trained on Parquet before labels were canonicalised lists "0.0", "1.0"
        LabelEncoding legacy = LabelEncoding.classes(List.of("0.0", "1.0"));
        float[] y = new float[2];
        legacy.encode("1", y, 0);
        assertThat(y).containsExactly(0f, 1f);
        assertThat(legacy.labels()).containsExactly("0.0", "1.0");
        assertThatThrownBy(() -> LabelEncoding.classes(List.of("1", "1.0")))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("'1' and '1.0' are the same class");
        assertThatThrownBy(() -> legacy.encode("2", y, 0))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("label '2' was not seen in training");
    }
}
