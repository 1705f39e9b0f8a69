package dev.hearth.spark.retrain;

import dev.hearth.spark.training.EvaluationReport;
import java.util.ArrayList;
import java.util.List;

/**
 * The sums the regression gate needs, as a plain {@code double[][]} (cheap to ship between Spark tasks): row
 * {@code m < n} holds model {@code m}'s sum of squared and of absolute errors; row {@code n} holds the count, mean
 * and sum of squared deviations of the true values (Welford per row, Chan's formula to merge partitions), shared
 * by every model because they are scored on the same rows.
 */
final class RegressionSums {
    private static final int SQUARED = 0;
    private static final int ABSOLUTE = 1;
    private static final int COUNT = 0;
    private static final int MEAN = 1;
    private static final int M2 = 2;

    private RegressionSums() {}

    /** Empty sums for {@code models} models. */
    static double[][] zero(int models) {
        double[][] s = new double[models + 1][];
        for (int m = 0; m < models; m++) {
            s[m] = new double[2];
        }
        s[models] = new double[3];
        return s;
    }

    /** Adds one batch: {@code predicted[m][r]} is model {@code m}'s prediction for row {@code r}. */
    static void add(double[][] sums, double[] actual, double[][] predicted) {
        int n = sums.length - 1;
        double[] target = sums[n];
        for (int r = 0; r < actual.length; r++) {
            double y = actual[r];
            target[COUNT]++;
            double delta = y - target[MEAN];
            target[MEAN] += delta / target[COUNT];
            target[M2] += delta * (y - target[MEAN]);
            for (int m = 0; m < n; m++) {
                double e = predicted[m][r] - y;
                sums[m][SQUARED] += e * e;
                sums[m][ABSOLUTE] += Math.abs(e);
            }
        }
    }

    /** Merges {@code b} into {@code a}. */
    static double[][] merge(double[][] a, double[][] b) {
        int n = a.length - 1;
        for (int m = 0; m < n; m++) {
            a[m][SQUARED] += b[m][SQUARED];
            a[m][ABSOLUTE] += b[m][ABSOLUTE];
        }
        double[] x = a[n];
        double[] y = b[n];
        double count = x[COUNT] + y[COUNT];
        if (y[COUNT] > 0) {
            double delta = y[MEAN] - x[MEAN];
            x[M2] += y[M2] + delta * delta * x[COUNT] * y[COUNT] / count;
            x[MEAN] += delta * y[COUNT] / count;
            x[COUNT] = count;
        }
        return a;
    }

    /** One MSE/MAE/R² report per model, in order. */
    static List<EvaluationReport> reports(double[][] sums) {
        int n = sums.length - 1;
        long count = (long) sums[n][COUNT];
        List<EvaluationReport> out = new ArrayList<>();
        for (int m = 0; m < n; m++) {
            out.add(EvaluationReport.regression(count, sums[m][SQUARED], sums[m][ABSOLUTE], sums[n][M2]));
        }
        return out;
    }
}
