package dev.hearth.spark;

import dev.hearth.config.Settings;
import dev.hearth.spark.training.TrainSettings;
import java.util.ArrayList;
import java.util.List;

/** The small digits (8x8) training job the training tests and cluster ITs share: one dense layer, batches of 32. */
public final class DigitsJob {
    private DigitsJob() {}

    /**
     * The job's settings over {@code data} with {@code hidden} units, then {@code fixed} and {@code extra} in order
     * (a later value wins).
     *
     * @param data the data path (its {@code toString()} is used)
     */
    public static Settings settings(Object data, int hidden, List<String> fixed, String... extra) {
        List<String> s = new ArrayList<>(List.of(
                "data.path=" + data,
                "model.name=digits",
                "network.hidden=" + hidden,
                "network.learning.rate=0.01",
                "train.batch.size.per.worker=32"));
        s.addAll(fixed);
        s.addAll(List.of(extra));
        return TrainSettings.loader().load(null, s);
    }
}
