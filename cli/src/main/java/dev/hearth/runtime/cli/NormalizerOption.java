package dev.hearth.runtime.cli;

import dev.hearth.store.NormalizerSpec;
import java.util.Locale;

/**
 * Parses {@code --normalizer}: {@code none}; {@code minmax:LO:HI} (one range for every feature) or
 * {@code minmax:LO1:HI1,LO2:HI2,...} (one per feature); {@code standardize:MEAN:STD} or one pair per feature.
 */
final class NormalizerOption {
    private NormalizerOption() {}

    /**
     * The normaliser {@code text} describes over {@code features} features.
     *
     * @throws IllegalArgumentException naming the value and the rule
     */
    static NormalizerSpec parse(String text, int features) {
        String t = text == null ? "none" : text.trim();
        if (t.equalsIgnoreCase(NormalizerSpec.NONE)) {
            return NormalizerSpec.none();
        }
        int colon = t.indexOf(':');
        String kind = colon < 0 ? t : t.substring(0, colon).toLowerCase(Locale.ROOT);
        if (colon < 0 || !(kind.equals(NormalizerSpec.MINMAX) || kind.equals(NormalizerSpec.STANDARDIZE))) {
            throw new IllegalArgumentException("--normalizer must be none, minmax:LO:HI[,LO:HI...] or "
                    + "standardize:MEAN:STD[,MEAN:STD...] but was '" + text + "'");
        }
        if (features < 1) {
            throw new IllegalArgumentException("--normalizer needs a single FP32 input of shape [d, n] with a fixed "
                    + "n, which this model does not have");
        }
        String[] pairs = t.substring(colon + 1).split(",");
        if (pairs.length != 1 && pairs.length != features) {
            throw new IllegalArgumentException("--normalizer " + kind + " needs 1 pair or one per feature (" + features
                    + ") but has " + pairs.length);
        }
        double[] a = new double[features];
        double[] b = new double[features];
        for (int i = 0; i < features; i++) {
            String pair = pairs[pairs.length == 1 ? 0 : i];
            String[] parts = pair.split(":");
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                a[i] = Double.parseDouble(parts[0].trim());
                b[i] = Double.parseDouble(parts[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--normalizer pair '" + pair + "' must be two numbers as A:B");
            }
            if (!Double.isFinite(a[i])
                    || !Double.isFinite(b[i])
                    || (kind.equals(NormalizerSpec.MINMAX) && b[i] < a[i])
                    || (kind.equals(NormalizerSpec.STANDARDIZE) && b[i] < 0)) {
                throw new IllegalArgumentException("--normalizer pair '" + pair + "' must be finite with "
                        + (kind.equals(NormalizerSpec.MINMAX) ? "LO <= HI" : "STD >= 0"));
            }
        }
        return kind.equals(NormalizerSpec.MINMAX)
                ? new NormalizerSpec(kind, a, b, null, null)
                : new NormalizerSpec(kind, null, null, a, b);
    }
}
