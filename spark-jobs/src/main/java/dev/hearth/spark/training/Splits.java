package dev.hearth.spark.training;

import dev.hearth.spark.data.DataFormatException;
import dev.hearth.spark.data.DatasetLoader;
import dev.hearth.spark.data.LabelledData;
import dev.hearth.spark.data.LabelledRow;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;

/**
 * Training, validation and test rows: split from the main input by seeded fractions, or read from separate inputs.
 * Counting each split also parses every row once, so bad input fails here, before any training.
 *
 * @param train training rows
 * @param validation validation rows, or null without validation
 * @param test test rows
 * @param featureNames feature names of the main input
 * @param trainCount rows in {@code train}
 * @param validationCount rows in {@code validation}
 * @param testCount rows in {@code test}
 */
public record Splits(JavaRDD<LabelledRow> train, JavaRDD<LabelledRow> validation, JavaRDD<LabelledRow> test,
        List<String> featureNames, long trainCount, long validationCount, long testCount) {

    public int featureCount() {
        return featureNames.size();
    }

    /** Reads and splits per the config; persisted RDDs are added to {@code cached} for the caller to release. */
    static Splits of(DatasetLoader loader, TrainJobConfig cfg, List<JavaRDD<?>> cached) {
        LabelledData main = loader.read(cfg.data());
        JavaRDD<LabelledRow> rows = main.rows().persist(StorageLevel.MEMORY_AND_DISK_SER());
        cached.add(rows);
        double v = cfg.validationFraction();
        double t = cfg.testFraction();
        JavaRDD<LabelledRow>[] parts = rows.randomSplit(new double[] {1 - v - t, v, t}, cfg.seed());
        JavaRDD<LabelledRow> train = parts[0];
        JavaRDD<LabelledRow> validation = cfg.validationPath().isEmpty()
                ? (v > 0 ? parts[1] : null)
                : separate(loader, cfg, cfg.validationPath(), main, cached, "data.validation.path");
        JavaRDD<LabelledRow> test = cfg.testPath().isEmpty()
                ? parts[2]
                : separate(loader, cfg, cfg.testPath(), main, cached, "data.test.path");
        long trainCount = train.count();
        if (trainCount == 0) {
            throw new DataFormatException("input " + cfg.data().path() + " has no training rows");
        }
        long validationCount = validation == null ? 0 : validation.count();
        long testCount = test.count();
        if (testCount == 0) {
            throw new DataFormatException("the test split is empty: raise split.test.fraction or set data.test.path");
        }
        return new Splits(train, validation, test, main.featureNames(), trainCount, validationCount, testCount);
    }

    private static JavaRDD<LabelledRow> separate(DatasetLoader loader, TrainJobConfig cfg, String path, LabelledData main,
            List<JavaRDD<?>> cached, String key) {
        LabelledData other = loader.read(cfg.data().withPath(path));
        if (other.featureCount() != main.featureCount()) {
            throw new DataFormatException(key + " " + path + " has " + other.featureCount() + " features, but "
                    + cfg.data().path() + " has " + main.featureCount());
        }
        JavaRDD<LabelledRow> rows = other.rows().persist(StorageLevel.MEMORY_AND_DISK_SER());
        cached.add(rows);
        return rows;
    }
}
