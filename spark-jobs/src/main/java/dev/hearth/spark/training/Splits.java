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
        refuseOverlap(loader, cfg);
        Reading in = new Reading(loader, cfg, cached);
        JavaRDD<LabelledRow> train = in.split(SplitRule.TRAIN);
        JavaRDD<LabelledRow> validation = null;
        if (!cfg.validationPath().isEmpty()) {
            validation = in.separate(cfg.validationPath(), TrainSettings.DATA_VALIDATION_PATH, SplitRule.VALIDATION);
        } else if (cfg.validationFraction() > 0) {
            validation = in.heldOut(SplitRule.VALIDATION, "the validation split of ");
        }
        JavaRDD<LabelledRow> test = !cfg.testPath().isEmpty()
                ? in.separate(cfg.testPath(), TrainSettings.DATA_TEST_PATH, SplitRule.TEST)
                : in.heldOut(SplitRule.TEST, "the test split of ");
        warnAboutPrecision(loader.precisionLoss());
        in.check();
        SplitFingerprint fingerprint = SplitFingerprint.of(in.counts, in.digests);
        in.log();
        long[] counts = in.counts;
        return new Splits(
                train,
                validation,
                test,
                in.main.featureNames(),
                counts[SplitRule.TRAIN],
                validation == null ? 0 : counts[SplitRule.VALIDATION],
                counts[SplitRule.TEST],
                fingerprint);
    }

    /** Refuses a validation or test input that is, or overlaps, the main input or each other. */
    private static void refuseOverlap(DatasetLoader loader, TrainJobConfig cfg) {
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put(TrainSettings.DATA_PATH, cfg.data().path());
        inputs.put(TrainSettings.DATA_VALIDATION_PATH, cfg.validationPath());
        inputs.put(TrainSettings.DATA_TEST_PATH, cfg.testPath());
        InputOverlap.refuse(inputs, loader.hadoopConfiguration());
    }

    /**
     * The main input read, persisted and tallied by split rule, then the held-out sides added one by one: rows and
     * digests per split, and the classes each held-out origin has.
     */
    private static final class Reading {
        final DatasetLoader loader;
        final TrainJobConfig cfg;
        final List<JavaRDD<?>> cached;
        final boolean classification;
        final LabelledData main;
        final JavaRDD<LabelledRow> rows;
        final SplitRule rule;
        final SplitTally tally;
        final long[] counts;
        final long[] digests;
        final List<Held> held = new ArrayList<>();

        Reading(DatasetLoader loader, TrainJobConfig cfg, List<JavaRDD<?>> cached) {
            this.loader = loader;
            this.cfg = cfg;
            this.cached = cached;
            this.classification = cfg.network().isClassification();
            this.main = loader.read(cfg.data(), cfg.split().keyColumn());
            this.rows = main.rows().persist(StorageLevel.MEMORY_AND_DISK_SER());
            cached.add(rows);
            this.rule = rule(cfg, rows);
            this.tally = SplitTally.of(rows, rule, classification);
            this.counts = tally.rows.clone();
            this.digests = tally.digests.clone();
        }

        private static SplitRule rule(TrainJobConfig cfg, JavaRDD<LabelledRow> rows) {
            double v = cfg.validationFraction();
            double t = cfg.testFraction();
            long seed = cfg.seed();
            return cfg.split().stratified() && t + v > 0
                    ? SplitRule.stratified(
                            seed,
                            t,
                            v,
                            StratifiedCuts.of(
                                    rows,
                                    seed,
                                    t,
                                    v,
                                    rows.map(LabelledRow::label).countByValue()))
                    : SplitRule.uniform(seed, t, v);
        }

        /** The main input's rows the rule assigns to {@code split}. */
        JavaRDD<LabelledRow> split(int split) {
            SplitRule r = rule; // a local, so the closure does not capture this Reading
            return rows.filter(row -> r.assign(row) == split);
        }

        /** A held-out split of the main input; {@code what} and the input path name its origin. */
        JavaRDD<LabelledRow> heldOut(int split, String what) {
            held.add(new Held(what + TrainSettings.DATA_PATH + " " + cfg.data().path(), tally.classCounts(split)));
            return split(split);
        }

        /** A held-out split read from its own input at {@code path} (setting {@code key}), counted whole. */
        JavaRDD<LabelledRow> separate(String path, String key, int split) {
            JavaRDD<LabelledRow> other = Splits.separate(loader, cfg, path, main, cached, key);
            SplitTally whole = SplitTally.whole(other, split, classification);
            counts[split] = whole.rows[split];
            digests[split] = whole.digests[split];
            held.add(new Held(key + " " + path, whole.classCounts(split)));
            return other;
        }

        /** Refuses empty training or test splits, and held-out classes training never sees. */
        void check() {
            if (counts[SplitRule.TRAIN] == 0) {
                throw new DataFormatException("input " + cfg.data().path() + " has no training rows");
            }
            if (counts[SplitRule.TEST] == 0) {
                throw new DataFormatException(
                        "the test split is empty: raise split.test.fraction or set data.test.path");
            }
            if (classification) {
                requireTrainedClasses(tally.classCounts(SplitRule.TRAIN).keySet(), held);
            }
        }

        void log() {
            LOG.info(
                    "Splits by hash of split.seed {} and {}{}: train {}, validation {}, test {} rows",
                    cfg.seed(),
                    cfg.split().keyColumn().isEmpty()
                            ? "row content"
                            : "split.key.column " + cfg.split().keyColumn(),
                    rule.isStratified() ? ", stratified by class" : "",
                    counts[0],
                    counts[1],
                    counts[2]);
        }
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
