package dev.hearth.spark.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Reads labelled CSV (plain or compressed, one file or a directory, on any Hadoop file system) into
 * {@link LabelledRow}s. The label column is found by name in the header, or by index; feature columns are all
 * others unless listed explicitly. A malformed row names the file, the row number and the offending value.
 */
public final class CsvDatasetReader {
    private final JavaSparkContext sc;

    public CsvDatasetReader(JavaSparkContext sc) {
        this.sc = sc;
    }

    /** Reads the schema from the first line and parses every row. */
    public LabelledData read(DatasetSpec spec, LongAccumulator skipped) {
        return read(spec, skipped, "", null);
    }

    /**
     * Reads the schema from the first line and parses every row.
     *
     * @param keyColumn a column whose text each row carries as its split key, or empty
     * @param precision notes values float32 cannot hold all digits of, or null
     */
    public LabelledData read(DatasetSpec spec, LongAccumulator skipped, String keyColumn, PrecisionLoss precision) {
        CsvSchema schema = schema(spec.path(), spec.labelColumn(), spec.header(), spec.delimiter(), spec.features());
        int keyIndex = keyColumn.isEmpty() ? -1 : column(schema.columns(), keyColumn, "split.key.column", spec.path());
        if (keyIndex >= 0 && keyIndex == schema.labelIndex()) {
            throw new DataFormatException("split.key.column '" + keyColumn + "' is the label column; it must name a "
                    + "column that groups rows (such as a user or session id)");
        }
        return new LabelledData(
                TextInput.parse(
                        sc,
                        spec.path(),
                        (line, row, fromStart, where) -> schema.header() && fromStart && row == 1
                                ? null
                                : parseLine(line, schema, keyIndex, precision, where),
                        spec.skipBadRows(),
                        skipped),
                schema.featureNames(),
                spec.path());
    }

    /**
     * Reads the header (or counts the columns) of the first line and locates label and feature columns.
     *
     * @param labelColumn the label column's name, or its 0-based index
     * @param features explicit feature column names (or indexes); empty for all but the label
     */
    public CsvSchema schema(String path, String labelColumn, boolean header, char delimiter, List<String> features) {
        List<String> first = sc.textFile(path).take(1);
        if (first.isEmpty()) {
            throw new DataFormatException("input " + path + " is empty: no rows to read");
        }
        String[] cells = split(first.get(0), delimiter);
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < cells.length; i++) {
            columns.add(header ? cells[i].strip() : "c" + i);
        }
        if (columns.size() < (labelColumn.isEmpty() ? 1 : 2)) {
            throw new DataFormatException("input " + path + " has " + columns.size()
                    + " column; expected a label and at least one feature (check data.delimiter)");
        }
        int labelIndex = labelColumn.isEmpty() ? -1 : column(columns, labelColumn, "data.label.column", path);
        if (features.isEmpty()) {
            return CsvSchema.allFeatures(columns, labelIndex, delimiter, header);
        }
        List<Integer> indexes = new ArrayList<>();
        for (String f : features) {
            int i = column(columns, f, "data.features entry", path);
            if (i == labelIndex) {
                throw new DataFormatException("data.features lists the label column '" + f + "'");
            }
            indexes.add(i);
        }
        return new CsvSchema(columns, labelIndex, indexes, delimiter, header);
    }

    private static int column(List<String> columns, String name, String setting, String path) {
        int index = columns.indexOf(name);
        if (index < 0 && !name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
            index = Integer.parseInt(name);
        }
        if (index < 0 || index >= columns.size()) {
            throw new DataFormatException(setting + " '" + name + "' is neither a column of " + path + " (columns: "
                    + abbreviate(columns) + ") nor an index below " + columns.size());
        }
        return index;
    }

    /** Parses one line; {@code where} names it in errors (e.g. "row 17 of part-00003.csv"). */
    static LabelledRow parseLine(String line, CsvSchema schema, String where) {
        return parseLine(line, schema, -1, null, where);
    }

    /** Parses one line, keeping column {@code keyIndex} (if not -1) as the row's split key. */
    static LabelledRow parseLine(String line, CsvSchema schema, int keyIndex, PrecisionLoss precision, String where) {
        String[] cells = split(line, schema.delimiter());
        int expected = schema.columns().size();
        if (cells.length != expected) {
            throw new DataFormatException(where + " has " + cells.length + " fields, expected " + expected);
        }
        String label = schema.labelIndex() < 0 ? null : cells[schema.labelIndex()].strip();
        if (label != null && label.isEmpty()) {
            throw new DataFormatException(
                    where + " has an empty label in column '" + schema.columns().get(schema.labelIndex()) + "'");
        }
        List<Integer> idx = schema.featureIndexes();
        float[] features = new float[idx.size()];
        for (int f = 0; f < features.length; f++) {
            int i = idx.get(f);
            features[f] = FeatureValues.parse(cells[i].strip(), schema.columns().get(i), where, precision);
        }
        return new LabelledRow(label, features, keyIndex < 0 ? null : cells[keyIndex].strip());
    }

    private static String[] split(String line, char delimiter) {
        return line.split(java.util.regex.Pattern.quote(String.valueOf(delimiter)), -1);
    }

    private static String abbreviate(List<String> columns) {
        return columns.size() <= 8
                ? columns.toString()
                : columns.subList(0, 8) + " ... (" + columns.size() + " in all)";
    }
}
