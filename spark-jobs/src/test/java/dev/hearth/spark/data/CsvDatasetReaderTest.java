package dev.hearth.spark.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDatasetReaderTest extends ReaderTestSupport {
    @TempDir
    Path dir;

    private static final CsvSchema SCHEMA = CsvSchema.allFeatures(List.of("a", "b", "label"), 2, ',', true);

    @Test
    void readsIrisWithStringLabelsByColumnName() throws Exception {
        String iris = Path.of(getClass().getResource("iris.csv").toURI()).toString();
        LabelledData data = new DatasetLoader(spark).read(csv(iris, "label", true, ',', List.of(), false));
        assertThat(data.featureNames()).containsExactly("sepal_length", "sepal_width", "petal_length", "petal_width");
        List<LabelledRow> rows = data.rows().collect();
        assertThat(rows).hasSize(150);
        assertThat(rows).extracting(LabelledRow::label).containsOnly("setosa", "versicolor", "virginica");
        assertThat(rows).anySatisfy(r -> assertThat(r.features()).containsExactly(5.1f, 3.5f, 1.4f, 0.2f));
    }

    @Test
    void gzipTabsNoHeaderLabelByIndexAndFeatureSubset() throws Exception {
        Path f = dir.resolve("data.tsv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write("x\t1\t2.5\t9\ny\t3\t4.5\t9\n".getBytes(StandardCharsets.UTF_8));
        }
        LabelledData data =
                new DatasetLoader(spark).read(csv(f.toString(), "0", false, '\t', List.of("2", "1"), false));
        assertThat(data.featureNames()).containsExactly("c2", "c1");
        assertThat(data.rows().collect()).anySatisfy(r -> {
            assertThat(r.label()).isEqualTo("x");
            assertThat(r.features()).containsExactly(2.5f, 1f);
        });
    }

    @Test
    void unknownLabelColumnIsNamedWithTheColumnsThatExist() throws Exception {
        Path f = dir.resolve("d.csv");
        Files.writeString(f, "a,b,label\n1,2,x\n");
        assertThatThrownBy(() -> rows(csv(f.toString(), "target", true, ',', List.of(), false)))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("data.label.column 'target'")
                .hasMessageContaining("[a, b, label]");
    }

    @Test
    void wrongFieldCountNamesFileAndRow() throws Exception {
        Path f = dir.resolve("part-00003.csv");
        Files.writeString(f, "a,b,label\n1,2,x\n1,2,3,x\n");
        assertThatThrownBy(() -> rows(csv(f.toString(), "label", true, ',', List.of(), false)))
                .rootCause()
                .isInstanceOf(DataFormatException.class)
                .hasMessage("row 3 of part-00003.csv has 4 fields, expected 3");
    }

    @Test
    void skipPolicyCountsBadRows() throws Exception {
        Path f = dir.resolve("mixed.csv");
        Files.writeString(f, "a,b,label\n1,2,x\n1,oops,x\n3,4,\nNaN,1,y\n5,6,y\n");
        DatasetLoader loader = new DatasetLoader(spark);
        List<LabelledRow> rows = loader.read(csv(f.toString(), "label", true, ',', List.of(), true))
                .rows()
                .collect();
        assertThat(rows).hasSize(2);
        assertThat(loader.skippedRows()).isEqualTo(3);
    }

    @Test
    void emptyInputIsRefused() throws Exception {
        Path f = dir.resolve("empty.csv");
        Files.writeString(f, "");
        assertThatThrownBy(() -> rows(csv(f.toString(), "label", true, ',', List.of(), false)))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("is empty");
    }

    @Test
    void unreadablePathIsNamed() {
        assertThatThrownBy(() -> rows(csv(dir.resolve("missing.csv").toString(), "label", true, ',', List.of(), false)))
                .hasMessageContaining("missing.csv");
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
