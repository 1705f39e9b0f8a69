package dev.hearth.spark.training;

import dev.hearth.config.Settings;
import dev.hearth.spark.LocalSpark;
import java.util.ArrayList;
import java.util.List;

/** The small digits (8x8) training job the training tests share: a 32-unit dense network, batches of 32. */
final class DigitsJob {
    private DigitsJob() {}

    /** The job's settings, then {@code fixed} and {@code extra} in order (a later value wins). */
    static Settings settings(List<String> fixed, String... extra) {
        List<String> s = new ArrayList<>(List.of(
                "data.path=" + LocalSpark.testData("digits-8x8.csv"),
                "model.name=digits",
                "network.hidden=32",
                "network.learning.rate=0.01",
                "train.batch.size.per.worker=32"));
        s.addAll(fixed);
        s.addAll(List.of(extra));
        return TrainSettings.loader().load(null, s);
    }
}
