package dev.hearth.spark.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibSvmDatasetReaderTest extends ReaderTestSupport {
    @TempDir
    Path dir;

    @Test
    void oneBasedSparseRowsBecomeDenseWithWidthFromTheLargestIndex() throws Exception {
        Path f = dir.resolve("a.libsvm");
        Files.writeString(f, "1 1:0.5 3:2\n0 2:1.5 # comment\n1 4:7\n");
        LabelledData data = new DatasetLoader(spark).read(spec(f.toString(), "libsvm", "label", false, false));
        assertThat(data.featureNames()).containsExactly("f1", "f2", "f3", "f4");
        List<LabelledRow> rows = data.rows().collect();
        assertThat(rows).anySatisfy(r -> {
            assertThat(r.label()).isEqualTo("1");
            assertThat(r.features()).containsExactly(0.5f, 0f, 2f, 0f);
        });
        assertThat(rows).anySatisfy(r -> assertThat(r.features()).containsExactly(0f, 0f, 0f, 7f));
    }

    @Test
    void zeroBasedIndices() throws Exception {
        Path f = dir.resolve("z.libsvm");
        Files.writeString(f, "a 0:1 2:3\nb 1:2\n");
        LabelledData data = new DatasetLoader(spark).read(spec(f.toString(), "libsvm", "label", true, false));
        assertThat(data.featureCount()).isEqualTo(3);
        assertThat(data.rows().collect())
                .anySatisfy(r -> assertThat(r.features()).containsExactly(1f, 0f, 3f));
    }

    @Test
    void badTokensNameTheRow() {
        assertThatThrownBy(() -> LibSvmDatasetReader.parseLine("1 1:2 x", 3, false, "row 4 of t.libsvm"))
                .hasMessage("row 4 of t.libsvm has 'x' where index:value was expected");
        assertThatThrownBy(() -> LibSvmDatasetReader.parseLine("1 0:2", 3, false, "row 1 of t.libsvm"))
                .hasMessage("row 1 of t.libsvm has feature index 0 below 1 (data.libsvm.zero.based=false)");
        assertThatThrownBy(() -> LibSvmDatasetReader.parseLine("1 5:2", 3, false, "row 2 of t.libsvm"))
                .hasMessage("row 2 of t.libsvm has feature index 5 but the data has 3 features");
        assertThatThrownBy(() -> LibSvmDatasetReader.parseLine("1 2:1 1:2", 3, false, "row 3 of t.libsvm"))
                .hasMessageContaining("out of ascending order");
        assertThatThrownBy(() -> LibSvmDatasetReader.parseLine("1 1:NaN", 3, false, "row 3 of t.libsvm"))
                .hasMessage("row 3 of t.libsvm has non-finite value 'NaN' in feature column 'f1'");
        assertThatThrownBy(() -> LibSvmDatasetReader.parseLine("1:2 3:4", 3, false, "row 8 of t.libsvm"))
                .hasMessageContaining("row 8 of t.libsvm has no label");
    }
}
