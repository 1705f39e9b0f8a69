package dev.hearth.spark.training;

import static dev.hearth.testing.Bytes.deflated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.spark.LocalSpark;
import dev.hearth.store.ModelRef;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.crypto.ChunkFormat;
import dev.hearth.store.crypto.EncryptionSettings;
import dev.hearth.store.hadoop.HadoopModelStore;
import dev.hearth.store.testing.TestKeystore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training with encryption on (a real jceks keystore): the exported minibatch files, read by the workers while they
 * exist, are sealed in the store's format (they are user data on the default file system), and the published version
 * is encrypted and reads back.
 */
class EncryptedTrainingTest {
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("encrypted-training-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Copies every exported file a worker can see, while it trains on them. */
    static final class ExportSpy extends BaseTrainingListener implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final String exportDir;
        private final String copies;

        ExportSpy(String exportDir, String copies) {
            this.exportDir = exportDir;
            this.copies = copies;
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            try (Stream<Path> files = Files.walk(Path.of(exportDir))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".hmb")).toList()) {
                    Files.copy(
                            f,
                            Path.of(copies).resolve(f.getParent().getFileName() + "-" + f.getFileName()),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (java.nio.file.NoSuchFileException | java.nio.file.FileAlreadyExistsException e) {
                // the epoch's directory was removed meanwhile, or the other worker copied the file first
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void exportedMinibatchesAndThePublishedVersionAreEncrypted() throws Exception {
        TestKeystore keys = new TestKeystore(dir);
        keys.create("models", 256);
        String provider = keys.uri();
        Path export = Files.createDirectories(dir.resolve("export"));
        Path copies = Files.createDirectories(dir.resolve("copies"));

        var settings = TrainSettings.loader()
                .load(
                        null,
                        List.of(
                                "data.path="
                                        + Path.of(getClass()
                                                .getResource("/dev/hearth/spark/data/iris.csv")
                                                .toURI()),
                                "model.name=iris",
                                "network.hidden=16",
                                "network.learning.rate=0.05",
                                "train.epochs=3",
                                "train.batch.size.per.worker=8",
                                "train.averaging.frequency=2",
                                // DL4J's engine: its exported minibatch files are what this test checks are sealed
                                "train.engine=dl4j",
                                "train.approach=export",
                                "train.export.dir=" + export.toUri(),
                                "split.validation.fraction=0",
                                "store.encryption.key.provider=" + provider,
                                "store.encryption.key.name=models"));
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        EncryptionSettings.applyTo(settings, hadoop);
        try {
            HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), hadoop);
            new TrainingPipeline(
                            spark,
                            store,
                            new ParameterAveragingEngine(List.of(new ExportSpy(export.toString(), copies.toString()))))
                    .run(settings);
            ModelVersion v = store.resolve(ModelRef.parse("iris"));
            assertThat(v.metadata().encryption().keyVersion()).isEqualTo("models@0");
            assertThat(store.readFile(v, "model.zip")).isNotEmpty();
            assertThat(Files.exists(Path.of(URI.create(v.location())).resolve("model.zip")))
                    .isFalse();
            // Evaluation on Spark reads the encrypted version through the same store.
            var report = new dev.hearth.spark.scoring.ModelEvaluator(spark, store, new ParameterAveragingEngine())
                    .evaluate("iris", TrainJobConfig.dataset(settings), 8);
            assertThat(report.metrics().get("accuracy")).isGreaterThan(0.5);
            // A reader without the key gets an error naming it.
            HadoopModelStore noKey = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
            assertThatThrownBy(() -> new dev.hearth.spark.scoring.ModelEvaluator(
                                    spark, noKey, new ParameterAveragingEngine())
                            .evaluate("iris", TrainJobConfig.dataset(settings), 8))
                    .hasMessageContaining("master key 'models'")
                    .hasMessageContaining("models@0");
        } finally {
            EncryptionSettings.ALL.forEach(s -> hadoop.unset(s.key()));
        }
        List<Path> seen;
        try (Stream<Path> files = Files.list(copies)) {
            seen = files.toList();
        }
        assertThat(seen).isNotEmpty();
        for (Path f : seen) {
            byte[] b = Files.readAllBytes(f);
            assertThat(ChunkFormat.looksEncrypted(b)).as(f.toString()).isTrue();
            assertThat(deflated(b)).as("compressed size of " + f).isGreaterThan((int) (0.99 * b.length));
        }
    }
}
