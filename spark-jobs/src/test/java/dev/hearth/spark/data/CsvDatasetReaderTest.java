package dev.hearth.spark.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.spark.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDatasetReaderTest {
    private static SparkSession spark;
    private static CsvDatasetReader reader;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("csv-reader-test");
        reader = new CsvDatasetReader(JavaSparkContext.fromSparkContext(spark.sparkContext()));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static final CsvSchema SCHEMA = new CsvSchema(List.of("a", "b", "label"), 2, ',', true);

    @Test
    void readsIrisWithStringLabelsByColumnName() throws Exception {
        String iris = Path.of(getClass().getResource("iris.csv").toURI()).toString();
        CsvSchema schema = reader.schema(iris, "label", true, ',');
        assertThat(schema.featureNames()).containsExactly("sepal_length", "sepal_width", "petal_length", "petal_width");
        List<LabelledRow> rows = reader.read(iris, schema).collect();
        assertThat(rows).hasSize(150);
        assertThat(rows).extracting(LabelledRow::label).containsOnly("setosa", "versicolor", "virginica");
        assertThat(rows).filteredOn(r -> r.features()[0] == 5.1f && r.features()[1] == 3.5f)
                .anySatisfy(r -> assertThat(r.features()).containsExactly(5.1f, 3.5f, 1.4f, 0.2f));
    }

    @Test
    void labelColumnByIndexWithoutHeader() throws Exception {
        Path f = dir.resolve("noheader.csv");
        Files.writeString(f, "1;2.5;x\n3;4.5;y\n");
        CsvSchema schema = reader.schema(f.toString(), "2", false, ';');
        assertThat(schema.columns()).containsExactly("c0", "c1", "c2");
        List<LabelledRow> rows = reader.read(f.toString(), schema).collect();
        assertThat(rows).extracting(LabelledRow::label).containsExactlyInAnyOrder("x", "y");
    }

    @Test
    void unknownLabelColumnIsNamedWithTheColumnsThatExist() throws Exception {
        Path f = dir.resolve("d.csv");
        Files.writeString(f, "a,b,label\n1,2,x\n");
        assertThatThrownBy(() -> reader.schema(f.toString(), "target", true, ','))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("data.label.column 'target'")
                .hasMessageContaining("[a, b, label]");
    }

    @Test
    void wrongFieldCountNamesFileAndRow() throws Exception {
        Path f = dir.resolve("part-00003.csv");
        Files.writeString(f, "a,b,label\n1,2,x\n1,2,3,x\n");
        CsvSchema schema = reader.schema(f.toString(), "label", true, ',');
        assertThatThrownBy(() -> reader.read(f.toString(), schema).collect())
                .rootCause()
                .isInstanceOf(DataFormatException.class)
                .hasMessage("row 3 of part-00003.csv has 4 fields, expected 3");
    }

    @Test
    void emptyInputIsRefused() throws Exception {
        Path f = dir.resolve("empty.csv");
        Files.writeString(f, "");
        assertThatThrownBy(() -> reader.schema(f.toString(), "label", true, ','))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("is empty");
    }

    @Test
    void nonNumericFeatureIsNamed() {
        assertThatThrownBy(() -> CsvDatasetReader.parseLine("1,abc,x", SCHEMA, "row 5 of f.csv"))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("row 5 of f.csv has non-numeric value 'abc' in feature column 'b'");
    }

    @Test
    void nanAndInfinityAreRefused() {
        assertThatThrownBy(() -> CsvDatasetReader.parseLine("NaN,1,x", SCHEMA, "row 2 of f.csv"))
                .hasMessage("row 2 of f.csv has non-finite value 'NaN' in feature column 'a'");
        assertThatThrownBy(() -> CsvDatasetReader.parseLine("1,Infinity,x", SCHEMA, "row 2 of f.csv"))
                .hasMessageContaining("non-finite value 'Infinity'");
    }

    @Test
    void missingLabelIsRefused() {
        assertThatThrownBy(() -> CsvDatasetReader.parseLine("1,2,", SCHEMA, "row 9 of f.csv"))
                .hasMessage("row 9 of f.csv has an empty label in column 'label'");
    }
}
