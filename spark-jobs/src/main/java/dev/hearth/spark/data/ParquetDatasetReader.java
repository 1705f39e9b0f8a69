package dev.hearth.spark.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * Reads Parquet with a label column and either numeric feature columns or one array/vector feature column (the
 * shape Spark ML pipelines write). Nulls and non-finite values name the file, the column and the value.
 */
public final class ParquetDatasetReader {
    private static final String FILE = "__hearth_file";

    private final SparkSession spark;

    public ParquetDatasetReader(SparkSession spark) {
        this.spark = spark;
    }

    public LabelledData read(DatasetSpec spec, LongAccumulator skipped) {
        return read(spec, skipped, "", null);
    }

    /**
     * Reads {@code spec}.
     *
     * @param keyColumn a column whose value each row carries as its split key, or empty
     * @param precision notes values float32 cannot hold all digits of, or null
     */
    public LabelledData read(DatasetSpec spec, LongAccumulator skipped, String keyColumn, PrecisionLoss precision) {
        Dataset<Row> df = spark.read().parquet(spec.path());
        StructType schema = df.schema();
        List<String> names = List.of(schema.fieldNames());
        String label = spec.labelColumn();
        if (!label.isEmpty() && !names.contains(label)) {
            throw new DataFormatException("data.label.column '" + label + "' is not a column of " + spec.path()
                    + " (columns: " + names + ")");
        }
        List<String> featureColumns = featureColumns(spec, names, label);
        boolean vectorColumn =
                featureColumns.size() == 1 && !(type(schema, featureColumns.get(0)) instanceof NumericType);
        List<String> featureNames = featureNames(df, spec.path(), featureColumns, vectorColumn);
        checkKeyColumn(keyColumn, label, names, spec.path());
        List<String> selected = new ArrayList<>(featureColumns);
        selected.add(0, label.isEmpty() ? featureColumns.get(0) : label);
        boolean keyed = !keyColumn.isEmpty();
        if (keyed) {
            selected.add(keyColumn);
        }
        boolean labelled = !label.isEmpty();
        Dataset<Row> rows = df.selectExpr(
                        selected.stream().map(c -> "`" + c + "`").toArray(String[]::new))
                .withColumn(FILE, functions.input_file_name());
        int width = featureNames.size();
        boolean skip = spec.skipBadRows();
        List<String> columns = List.copyOf(featureColumns);
        JavaRDD<LabelledRow> parsed = rows.javaRDD().flatMap(r -> {
            try {
                return List.of(toRow(r, columns, vectorColumn, width, labelled, keyed, precision))
                        .iterator();
            } catch (DataFormatException e) {
                if (!skip) {
                    throw e;
                }
                skipped.add(1);
                return java.util.Collections.<LabelledRow>emptyIterator();
            }
        });
        // Like text input: a few large Parquet files must not leave cores idle (InputPartitioning).
        return new LabelledData(
                InputPartitioning.spread(parsed, spark.sparkContext().defaultParallelism()), featureNames, spec.path());
    }

    /** The feature columns: {@code data.features}, else every column but the label; each must exist. */
    private static List<String> featureColumns(DatasetSpec spec, List<String> names, String label) {
        List<String> featureColumns = new ArrayList<>(spec.features());
        if (featureColumns.isEmpty()) {
            names.stream().filter(n -> !n.equals(label)).forEach(featureColumns::add);
            if (featureColumns.isEmpty()) {
                throw new DataFormatException(
                        "input " + spec.path() + " has no feature columns besides '" + label + "'");
            }
        }
        for (String f : featureColumns) {
            if (!names.contains(f)) {
                throw new DataFormatException("data.features entry '" + f + "' is not a column of " + spec.path()
                        + " (columns: " + names + ")");
            }
        }
        return featureColumns;
    }

    /**
     * The features' names: {@code column[i]} for one array/vector column (its width read from the data), else the
     * numeric columns' own names.
     */
    private static List<String> featureNames(
            Dataset<Row> df, String path, List<String> featureColumns, boolean vectorColumn) {
        if (vectorColumn) {
            int width = width(df, featureColumns.get(0));
            List<String> featureNames = new ArrayList<>();
            for (int i = 0; i < width; i++) {
                featureNames.add(featureColumns.get(0) + "[" + i + "]");
            }
            return featureNames;
        }
        StructType schema = df.schema();
        for (String f : featureColumns) {
            if (!(type(schema, f) instanceof NumericType)) {
                throw new DataFormatException("feature column '" + f + "' of " + path + " has type "
                        + type(schema, f).simpleString() + "; expected a number (or one array/vector column)");
            }
        }
        return List.copyOf(featureColumns);
    }

    /** {@code split.key.column}, when set, must be a column other than the label. */
    private static void checkKeyColumn(String keyColumn, String label, List<String> names, String path) {
        if (!keyColumn.isEmpty() && !names.contains(keyColumn)) {
            throw new DataFormatException(
                    "split.key.column '" + keyColumn + "' is not a column of " + path + " (columns: " + names + ")");
        }
        if (!keyColumn.isEmpty() && keyColumn.equals(label)) {
            throw new DataFormatException("split.key.column '" + keyColumn + "' is the label column; it must name a "
                    + "column that groups rows (such as a user or session id)");
        }
    }

    private static LabelledRow toRow(
            Row r,
            List<String> columns,
            boolean vectorColumn,
            int width,
            boolean labelled,
            boolean keyed,
            PrecisionLoss precision) {
        String file = r.getString(r.length() - 1);
        String where = "a row of " + file.substring(file.lastIndexOf('/') + 1);
        if (labelled && r.isNullAt(0)) {
            throw new DataFormatException(where + " has a null label");
        }
        String label = labelled ? r.get(0).toString() : null;
        float[] features = new float[width];
        if (vectorColumn) {
            Object v = r.get(1);
            if (v == null) {
                throw new DataFormatException(where + " has a null '" + columns.get(0) + "'");
            }
            List<Object> list = v instanceof Vector ? null : r.getList(1);
            double[] values = v instanceof Vector vec ? vec.toArray() : toDoubles(list, where, columns.get(0));
            // Float arrays fit float32 as they are; doubles (ML vectors, double arrays) may not.
            boolean check = precision != null && (list == null || list.isEmpty() || !(list.get(0) instanceof Float));
            if (values.length != width) {
                throw new DataFormatException(
                        where + " has " + values.length + " values in '" + columns.get(0) + "', expected " + width);
            }
            for (int i = 0; i < width; i++) {
                features[i] = FeatureValues.check((float) values[i], Double.toString(values[i]), columns.get(0), where);
                if (check) {
                    precision.check(Double.toString(values[i]), features[i], columns.get(0) + "[" + i + "]");
                }
            }
        } else {
            for (int i = 0; i < width; i++) {
                if (r.isNullAt(i + 1)) {
                    throw new DataFormatException(where + " has a null in feature column '" + columns.get(i) + "'");
                }
                Number n = (Number) r.get(i + 1);
                double d = n.doubleValue();
                features[i] = FeatureValues.check((float) d, Double.toString(d), columns.get(i), where);
                // Float, short and byte columns fit float32 as they are; wider types may not.
                if (precision != null && !(n instanceof Float || n instanceof Short || n instanceof Byte)) {
                    precision.check(Double.toString(d), features[i], columns.get(i));
                }
            }
        }
        String key = null;
        if (keyed) {
            int k = 1 + (vectorColumn ? 1 : width);
            if (r.isNullAt(k)) {
                throw new DataFormatException(where + " has a null split key (split.key.column)");
            }
            key = r.get(k).toString();
        }
        return new LabelledRow(label, features, key);
    }

    private static double[] toDoubles(List<Object> list, String where, String column) {
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object o = list.get(i);
            if (!(o instanceof Number n)) {
                throw new DataFormatException(where + " has non-numeric element " + o + " in '" + column + "'");
            }
            out[i] = n.doubleValue();
        }
        return out;
    }

    private static int width(Dataset<Row> df, String column) {
        DataType t = type(df.schema(), column);
        List<Row> first = df.select(column)
                .where(functions.col(column).isNotNull())
                .limit(1)
                .collectAsList();
        if (first.isEmpty()) {
            throw new DataFormatException("feature column '" + column + "' has no non-null value");
        }
        Object v = first.get(0).get(0);
        if (v instanceof Vector vec) {
            return vec.size();
        }
        if (t instanceof ArrayType) {
            return first.get(0).getList(0).size();
        }
        throw new DataFormatException("feature column '" + column + "' has type " + t.simpleString()
                + "; expected numbers, an array of numbers or an ML vector");
    }

    private static DataType type(StructType schema, String column) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(column)) {
                return f.dataType();
            }
        }
        throw new IllegalArgumentException(column);
    }
}
