package dev.hearth.cli.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.store.EvaluationFile;
import dev.hearth.store.ModelDraft;
import dev.hearth.store.Signature;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart's own steps on real files and a real local store: the accuracy comes from the version training
 * published (its {@code evaluation.json}), the request row from the data file's last line. The whole command (train,
 * serve, predict, stop) runs in e2e's {@code QuickstartIT}.
 */
class QuickstartCommandTest {
    @TempDir
    Path dir;

    @Test
    void accuracyIsReadFromTheEvaluationOfTheNewlyPublishedVersion() {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        assertThat(QuickstartCommand.latestVersion(store)).isZero();
        publish(store, 0.81);
        int before = QuickstartCommand.latestVersion(store);
        assertThat(before).isEqualTo(1);
        assertThatThrownBy(() -> QuickstartCommand.publishedAccuracy(store, before))
                .hasMessageContaining("published no new version of 'quickstart'");
        publish(store, 0.93);
        assertThat(QuickstartCommand.publishedAccuracy(store, before)).isEqualTo(0.93);
    }

    @Test
    void theRequestIsTheLastDigitOfTheFile() throws Exception {
        Path gz = dir.resolve("digits.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("5,0,0,255\n7,1,2,3\n\n".getBytes(StandardCharsets.UTF_8));
        }
        QuickstartCommand.Digit d = QuickstartCommand.lastDigit(gz);
        assertThat(d.label()).isEqualTo("7");
        assertThat(d.pixels()).containsExactly(1f, 2f, 3f);

        Path empty = dir.resolve("empty.csv.gz");
        new GZIPOutputStream(Files.newOutputStream(empty)).close();
        assertThatThrownBy(() -> QuickstartCommand.lastDigit(empty)).hasMessageContaining("has no row");
    }

    private static void publish(HadoopModelStore store, double accuracy) {
        EvaluationFile evaluation = new EvaluationFile(
                2000,
                Map.of("accuracy", accuracy),
                List.of("0", "1"),
                List.of(),
                new long[][] {{1, 0}, {0, 1}},
                List.of(),
                5);
        // A different accuracy in the version's metadata: the quickstart must read evaluation.json.
        store.publish(
                QuickstartCommand.MODEL,
                new ModelDraft(
                        "f",
                        new Signature(null, null, 3, List.of(), List.of("0", "1"), null),
                        Map.of("accuracy", 0.5),
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        Map.of("model.zip", o -> o.write(1), EvaluationFile.FILE, o -> o.write(evaluation.toJson()))));
    }
}
