package dev.hearth.spark.retrain;

import dev.hearth.config.Settings;
import dev.hearth.spark.LocalSpark;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.SparkSession;

/**
 * What the retrain scenario tests share: a store and the retrain settings under one test directory, a CSV data set
 * shuffled once and split into a fixed evaluation file and daily partitions {@code data/dt=2026-11-0N/part.csv},
 * and a figure file under {@code spark-jobs/target} that each step's summary is appended to.
 */
final class RetrainFixture {
    private final SparkSession spark;
    private final Path dir;
    private String header;
    private List<String> rows;

    RetrainFixture(SparkSession spark, Path dir) {
        this.spark = spark;
        this.dir = dir;
    }

    /** The fixed evaluation set, {@code eval.csv}. */
    Path evalFile() {
        return dir.resolve("eval.csv");
    }

    HadoopModelStore store() {
        return HadoopModelStore.open(
                dir.resolve("store").toString(), spark.sparkContext().hadoopConfiguration());
    }

    /**
     * Retrain settings for {@code model} on this directory's store, data and evaluation file: the model's own
     * {@code specific} settings, the shared training ones, then {@code extra} (which win).
     */
    Settings settings(String model, List<String> specific, String... extra) {
        List<String> s = new ArrayList<>(List.of(
                "model.name=" + model,
                "store.root=" + dir.resolve("store"),
                "retrain.data.root=" + dir.resolve("data"),
                "retrain.eval.path=" + evalFile()));
        s.addAll(specific);
        s.addAll(List.of(
                "train.batch.size.per.worker=16",
                "train.averaging.frequency=2",
                "train.checkpoint=false",
                "split.validation.fraction=0",
                "split.test.fraction=0.1"));
        s.addAll(List.of(extra));
        return RetrainSettings.loader().load(null, s);
    }

    /** Reads the CSV resource, shuffles its rows with {@code seed}, writes the first {@code evalRows} as eval.csv. */
    void writeData(String resource, long seed, int evalRows) throws Exception {
        List<String> lines =
                Files.readAllLines(Path.of(getClass().getResource(resource).toURI()));
        header = lines.get(0);
        rows = new ArrayList<>(lines.subList(1, lines.size()));
        Collections.shuffle(rows, new Random(seed));
        Files.write(evalFile(), withHeader(rows.subList(0, evalRows)));
    }

    /** A copy of the shuffled rows {@code from} (inclusive) to {@code to} (exclusive). */
    List<String> rows(int from, int to) {
        return new ArrayList<>(rows.subList(from, to));
    }

    /** Writes {@code part} (without header) as day {@code day}'s partition. */
    void writeDay(int day, List<String> part) throws Exception {
        Path p = dir.resolve("data/dt=2026-11-0" + day);
        Files.createDirectories(p);
        Files.write(p.resolve("part.csv"), withHeader(part));
    }

    /** Prints {@code line} and appends it to {@code spark-jobs/target/<figure>}. */
    static void appendFigure(String figure, String line) throws Exception {
        System.out.print(line);
        Path out = LocalSpark.projectRoot().resolve("spark-jobs/target").resolve(figure);
        Files.createDirectories(out.getParent());
        Files.writeString(out, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private List<String> withHeader(List<String> body) {
        List<String> out = new ArrayList<>();
        out.add(header);
        out.addAll(body);
        return out;
    }
}
