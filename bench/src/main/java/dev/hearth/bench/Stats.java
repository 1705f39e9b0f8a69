package dev.hearth.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Median and range of repeated measurements. */
record Stats(double median, double min, double max, int n) {
    static Stats of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no measurements");
        }
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        int n = v.size();
        double median = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
        return new Stats(median, v.get(0), v.get(n - 1), n);
    }

    /** {@code median (min-max, n=N)} with the given number of decimals. */
    String toString(int decimals) {
        String f = "%,." + decimals + "f";
        return String.format(Locale.ROOT, f + " (" + f + "-" + f + ", n=%d)", median, min, max, n);
    }

    @Override
    public String toString() {
        return toString(0);
    }
}
