package dev.hearth.spark.training;

import dev.hearth.store.ModelVersion;
import java.util.List;
import java.util.Map;

/**
 * What a training run produced.
 *
 * @param published the version committed to the store
 * @param metrics test-split metrics
 * @param epochs per-epoch progress
 * @param trainExamples rows in the training split
 * @param testExamples rows in the test split
 */
public record TrainingSummary(
        ModelVersion published,
        Map<String, Double> metrics,
        List<EpochResult> epochs,
        long trainExamples,
        long testExamples) {}
