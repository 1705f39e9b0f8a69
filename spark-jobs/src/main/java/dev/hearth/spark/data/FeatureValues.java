package dev.hearth.spark.data;

/** Parses one feature value, refusing non-numeric and non-finite text with the row, column and value named. */
final class FeatureValues {
    private FeatureValues() {}

    static float parse(String cell, String column, String where) {
        return parse(cell, column, where, null);
    }

    /** Parses {@code cell}; {@code precision}, when given, notes a value float32 cannot hold all digits of. */
    static float parse(String cell, String column, String where, PrecisionLoss precision) {
        float v;
        try {
            v = Float.parseFloat(cell);
        } catch (NumberFormatException e) {
            throw new DataFormatException(
                    where + " has non-numeric value '" + cell + "' in feature column '" + column + "'");
        }
        check(v, cell, column, where);
        if (precision != null) {
            precision.check(cell, v, column);
        }
        return v;
    }

    static float check(float v, String text, String column, String where) {
        if (!Float.isFinite(v)) {
            throw new DataFormatException(
                    where + " has non-finite value '" + text + "' in feature column '" + column + "'");
        }
        return v;
    }
}
