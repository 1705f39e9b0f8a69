package dev.hearth.spark.retrain;

/**
 * McNemar's exact test on paired predictions of two models on the same rows. Only the discordant rows matter: {@code
 * b} rows only model A got right, {@code c} rows only model B got right. Under "both models are equally accurate"
 * each discordant row is a fair coin, so {@code min(b, c)} follows Binomial(b + c, 1/2); the two-sided p-value is
 * twice its lower tail (capped at 1). The exact binomial form is used at every size: it is what the chi-square
 * approximation approximates, and cheap here (linear in {@code min(b, c)}).
 */
public final class McNemar {
    private McNemar() {}

    /**
     * The exact two-sided p-value for discordant counts {@code b} and {@code c}.
     *
     * @throws IllegalArgumentException for a negative count
     */
    public static double pValue(long b, long c) {
        if (b < 0 || c < 0) {
            throw new IllegalArgumentException("discordant counts must be >= 0 but were " + b + " and " + c);
        }
        long n = b + c;
        long k = Math.min(b, c);
        if (n == 0 || 2 * k >= n) {
            return 1.0;
        }
        // P(X <= k) = C(n, k) / 2^n * (1 + C(n, k-1)/C(n, k) + C(n, k-2)/C(n, k) + ...): the terms fall by the
        // ratio i / (n - i + 1) going down from k, so the sum is accumulated relative to its largest term and
        // stops once the rest cannot move a double.
        double logTop = logChoose(n, k) - n * Math.log(2);
        double sum = 1;
        double term = 1;
        for (long i = k; i >= 1; i--) {
            term *= (double) i / (n - i + 1);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        double tail = Math.exp(logTop + Math.log(sum));
        return Math.min(1.0, 2 * tail);
    }

    /** ln C(n, k) as a sum of logs (exact enough for the sizes of an evaluation set; linear in k). */
    static double logChoose(long n, long k) {
        double s = 0;
        for (long i = 1; i <= k; i++) {
            s += Math.log((double) (n - k + i) / i);
        }
        return s;
    }
}
