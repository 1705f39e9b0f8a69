package dev.hearth.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One trainer's epochs in one round: examples/s, seconds and test accuracy after every epoch. Time to a target
 * accuracy is the sum of the epoch times up to the first epoch at or above it (epoch-granular: an upper bound).
 */
record PeerRun(List<Double> examplesPerSecond, List<Double> seconds, List<Double> accuracy) {

    PeerRun() {
        this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }

    void add(double rate, double secs, double acc) {
        examplesPerSecond.add(rate);
        seconds.add(secs);
        accuracy.add(acc);
    }

    /** Training seconds until the test accuracy first reached {@code target}, or null when it never did. */
    Double secondsTo(double target) {
        double elapsed = 0;
        for (int i = 0; i < accuracy.size(); i++) {
            elapsed += seconds.get(i);
            if (accuracy.get(i) >= target) {
                return elapsed;
            }
        }
        return null;
    }

    /**
     * The JSON of several rounds of one trainer: examples/s of epochs 2+ (epoch 1 warms up), final test accuracy,
     * seconds to {@code target} (rounds that reached it) and the accuracy curves.
     */
    static Map<String, Object> summarise(List<PeerRun> rounds, double target) {
        List<Double> rates = new ArrayList<>();
        List<Double> finals = new ArrayList<>();
        List<Double> toTarget = new ArrayList<>();
        List<List<Double>> curves = new ArrayList<>();
        for (PeerRun r : rounds) {
            rates.addAll(r.examplesPerSecond()
                    .subList(
                            Math.min(1, r.examplesPerSecond().size() - 1),
                            r.examplesPerSecond().size()));
            finals.add(r.accuracy().get(r.accuracy().size() - 1));
            Double s = r.secondsTo(target);
            if (s != null) {
                toTarget.add(s);
            }
            curves.add(r.accuracy());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("examplesPerSecond", Stats.of(rates));
        m.put("testAccuracy", Stats.of(finals));
        m.put("secondsToTarget", toTarget.isEmpty() ? null : Stats.of(toTarget));
        m.put("reachedTarget", toTarget.size() + " of " + rounds.size());
        m.put("accuracyPerEpoch", curves);
        return m;
    }
}
