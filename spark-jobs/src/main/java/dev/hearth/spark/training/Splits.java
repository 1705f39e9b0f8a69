package dev.hearth.spark.training;

import dev.hearth.spark.data.DataFormatException;
import dev.hearth.spark.data.DatasetLoader;
import dev.hearth.spark.data.LabelledData;
import dev.hearth.spark.data.LabelledRow;
import dev.hearth.spark.data.PrecisionLoss;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training, validation and test rows: split from the main input by a hash of {@code split.seed} and each row (see
 * {@link SplitRule}; stratified by class when configured), or read from separate inputs that must not overlap it.
 * One pass per input counts the splits (parsing every row, so bad input fails here), fingerprints them and checks
 * that every class held out for validation or test also occurs in training — all before any training.
 *
 * @param train training rows
 * @param validation validation rows, or null without validation
 * @param test test rows
 * @param featureNames feature names of the main input
 * @param trainCount rows in {@code train}
 * @param validationCount rows in {@code validation}
 * @param testCount rows in {@code test}
 * @param fingerprint rows and content digest of each split, checked on {@code --resume}
 */
public record Splits(
        JavaRDD<LabelledRow> train,
        JavaRDD<LabelledRow> validation,
        JavaRDD<LabelledRow> test,
        List<String> featureNames,
        long trainCount,
        long validationCount,
        long testCount,
        SplitFingerprint fingerprint) {
    private static final Logger LOG = LoggerFactory.getLogger(Splits.class);

    public int featureCount() {
        return featureNames.size();
    }

    /** Reads and splits per the config; persisted RDDs are added to {@code cached} for the caller to release. */
    static Splits of(DatasetLoader loader, TrainJobConfig cfg, List<JavaRDD<?>> cached) {
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put(TrainSettings.DATA_PATH, cfg.data().path());
        inputs.put(TrainSettings.DATA_VALIDATION_PATH, cfg.validationPath());
        inputs.put(TrainSettings.DATA_TEST_PATH, cfg.testPath());
        InputOverlap.refuse(inputs, loader.hadoopConfiguration());

        boolean classification = cfg.network().isClassification();
        LabelledData main = loader.read(cfg.data(), cfg.split().keyColumn());
        JavaRDD<LabelledRow> rows = main.rows().persist(StorageLevel.MEMORY_AND_DISK_SER());
        cached.add(rows);
        double v = cfg.validationFraction();
        double t = cfg.testFraction();
        long seed = cfg.seed();
        SplitRule rule = cfg.split().stratified() && t + v > 0
                ? SplitRule.stratified(
                        seed,
                        t,
                        v,
                        StratifiedCuts.of(
                                rows, seed, t, v, rows.map(LabelledRow::label).countByValue()))
                : SplitRule.uniform(seed, t, v);
        SplitTally tally = SplitTally.of(rows, rule, classification);
        JavaRDD<LabelledRow> train = rows.filter(r -> rule.assign(r) == SplitRule.TRAIN);
        long[] counts = tally.rows.clone();
        long[] digests = tally.digests.clone();
        List<Held> held = new ArrayList<>();

        JavaRDD<LabelledRow> validation = null;
        if (!cfg.validationPath().isEmpty()) {
            validation = separate(loader, cfg, cfg.validationPath(), main, cached, TrainSettings.DATA_VALIDATION_PATH);
            SplitTally other = SplitTally.whole(validation, SplitRule.VALIDATION, classification);
            counts[SplitRule.VALIDATION] = other.rows[SplitRule.VALIDATION];
            digests[SplitRule.VALIDATION] = other.digests[SplitRule.VALIDATION];
            held.add(new Held(
                    TrainSettings.DATA_VALIDATION_PATH + " " + cfg.validationPath(),
                    other.classCounts(SplitRule.VALIDATION)));
        } else if (v > 0) {
            validation = rows.filter(r -> rule.assign(r) == SplitRule.VALIDATION);
            held.add(new Held(
                    "the validation split of " + TrainSettings.DATA_PATH + " "
                            + cfg.data().path(),
                    tally.classCounts(SplitRule.VALIDATION)));
        }
        JavaRDD<LabelledRow> test;
        if (!cfg.testPath().isEmpty()) {
            test = separate(loader, cfg, cfg.testPath(), main, cached, TrainSettings.DATA_TEST_PATH);
            SplitTally other = SplitTally.whole(test, SplitRule.TEST, classification);
            counts[SplitRule.TEST] = other.rows[SplitRule.TEST];
            digests[SplitRule.TEST] = other.digests[SplitRule.TEST];
            held.add(new Held(TrainSettings.DATA_TEST_PATH + " " + cfg.testPath(), other.classCounts(SplitRule.TEST)));
        } else {
            test = rows.filter(r -> rule.assign(r) == SplitRule.TEST);
            held.add(new Held(
                    "the test split of " + TrainSettings.DATA_PATH + " "
                            + cfg.data().path(),
                    tally.classCounts(SplitRule.TEST)));
        }
        warnAboutPrecision(loader.precisionLoss());
        if (counts[SplitRule.TRAIN] == 0) {
            throw new DataFormatException("input " + cfg.data().path() + " has no training rows");
        }
        if (counts[SplitRule.TEST] == 0) {
            throw new DataFormatException("the test split is empty: raise split.test.fraction or set data.test.path");
        }
        if (classification) {
            requireTrainedClasses(tally.classCounts(SplitRule.TRAIN).keySet(), held);
        }
        SplitFingerprint fingerprint = SplitFingerprint.of(counts, digests);
        LOG.info(
                "Splits by hash of split.seed {} and {}{}: train {}, validation {}, test {} rows",
                seed,
                cfg.split().keyColumn().isEmpty()
                        ? "row content"
                        : "split.key.column " + cfg.split().keyColumn(),
                rule.isStratified() ? ", stratified by class" : "",
                counts[0],
                counts[1],
                counts[2]);
        return new Splits(
                train,
                validation,
                test,
                main.featureNames(),
                counts[SplitRule.TRAIN],
                validation == null ? 0 : counts[SplitRule.VALIDATION],
                counts[SplitRule.TEST],
                fingerprint);
    }

    /** Held-out rows of one origin and their classes. */
    private record Held(String origin, Map<String, Long> classes) {}

    /** A class that occurs only in held-out data has no output in the network: refuse before training. */
    private static void requireTrainedClasses(Set<String> trained, List<Held> held) {
        List<String> unseen = new ArrayList<>();
        for (Held h : held) {
            h.classes().forEach((label, n) -> {
                if (!trained.contains(label)) {
                    unseen.add("'" + label + "' (" + n + (n == 1 ? " row" : " rows") + " in " + h.origin() + ")");
                }
            });
        }
        if (!unseen.isEmpty()) {
            throw new DataFormatException((unseen.size() == 1 ? "class " : "classes ")
                    + String.join(", ", unseen.size() <= 10 ? unseen : unseen.subList(0, 10))
                    + (unseen.size() > 10 ? " and " + (unseen.size() - 10) + " more" : "")
                    + (unseen.size() == 1 ? " does" : " do") + " not occur in the training split, so the model "
                    + "could never predict " + (unseen.size() == 1 ? "it" : "them") + "; add training rows of "
                    + (unseen.size() == 1 ? "that class" : "those classes") + " or remove them from the held-out data");
        }
    }

    private static void warnAboutPrecision(List<PrecisionLoss.Example> lost) {
        if (lost.isEmpty()) {
            return;
        }
        List<String> shown =
                lost.stream().limit(5).map(PrecisionLoss.Example::describe).toList();
        LOG.warn(
                "Feature values lose digits as float32 in {} column{}: {}{}. Networks and serving use float32, "
                        + "which holds integers exactly only up to 16,777,216; rescale such columns before training (subtract "
                        + "a reference time or offset) or drop id-like columns",
                lost.size(),
                lost.size() == 1 ? "" : "s",
                String.join("; ", shown),
                lost.size() > 5 ? "; ..." : "");
    }

    private static JavaRDD<LabelledRow> separate(
            DatasetLoader loader,
            TrainJobConfig cfg,
            String path,
            LabelledData main,
            List<JavaRDD<?>> cached,
            String key) {
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
