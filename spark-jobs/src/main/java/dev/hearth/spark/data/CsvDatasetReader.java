package dev.hearth.spark.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.InputSplit;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.api.java.JavaHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * Reads labelled CSV (plain or compressed, one file or a directory, on any Hadoop file system) into
 * {@link LabelledRow}s. The label column is found by name in the header, or by index. A malformed row fails the
 * job with the file, the row number and the offending value.
 */
public final class CsvDatasetReader {
    private final JavaSparkContext sc;

    public CsvDatasetReader(JavaSparkContext sc) {
        this.sc = sc;
    }

    /**
     * Reads the header (or counts the columns) of the first line and locates the label column.
     *
     * @param path input path
     * @param labelColumn the label column's name, or its 0-based index
     * @param header whether the input has a header line
     * @param delimiter field delimiter
     */
    public CsvSchema schema(String path, String labelColumn, boolean header, char delimiter) {
        List<String> first = sc.textFile(path).take(1);
        if (first.isEmpty()) {
            throw new DataFormatException("input " + path + " is empty: no rows to train on");
        }
        String[] cells = split(first.get(0), delimiter);
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < cells.length; i++) {
            columns.add(header ? cells[i].strip() : "c" + i);
        }
        int labelIndex = columns.indexOf(labelColumn);
        if (labelIndex < 0 && labelColumn.chars().allMatch(Character::isDigit) && !labelColumn.isEmpty()) {
            labelIndex = Integer.parseInt(labelColumn);
        }
        if (labelIndex < 0 || labelIndex >= columns.size()) {
            throw new DataFormatException("data.label.column '" + labelColumn + "' is neither a column of " + path
                    + " (columns: " + abbreviate(columns) + ") nor an index below " + columns.size());
        }
        if (columns.size() < 2) {
            throw new DataFormatException("input " + path + " has " + columns.size()
                    + " column; expected a label and at least one feature (check data.delimiter)");
        }
        return new CsvSchema(columns, labelIndex, delimiter, header);
    }

    /**
     * Parses every data row of {@code path}; lazily, so errors surface when the rows are first used. Files are
     * split only at file-system block boundaries so that errors can name exact row numbers in all but very large
     * files; the rows are then spread over the cluster's default parallelism.
     */
    public JavaRDD<LabelledRow> read(String path, CsvSchema schema) {
        @SuppressWarnings("unchecked")
        JavaHadoopRDD<LongWritable, Text> lines = (JavaHadoopRDD<LongWritable, Text>)
                sc.hadoopFile(path, TextInputFormat.class, LongWritable.class, Text.class, 1);
        JavaRDD<LabelledRow> rows = lines.mapPartitionsWithInputSplit((split, it) -> parse(split, it, schema), true);
        int parallelism = sc.defaultParallelism();
        return rows.getNumPartitions() < parallelism ? rows.repartition(parallelism) : rows;
    }

    private static Iterator<LabelledRow> parse(
            InputSplit split, Iterator<Tuple2<LongWritable, Text>> it, CsvSchema schema) {
        FileSplit fileSplit = (FileSplit) split;
        String file = fileSplit.getPath().getName();
        boolean fromStart = fileSplit.getStart() == 0;
        return new Iterator<>() {
            private long row;
            private LabelledRow next = advance();

            private LabelledRow advance() {
                while (it.hasNext()) {
                    Tuple2<LongWritable, Text> t = it.next();
                    row++;
                    String line = t._2().toString();
                    if (line.isBlank() || (schema.header() && fromStart && row == 1)) {
                        continue;
                    }
                    String where = fromStart
                            ? "row " + row + " of " + file
                            : "line at byte " + t._1().get() + " of " + file;
                    return parseLine(line, schema, where);
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public LabelledRow next() {
                LabelledRow r = next;
                next = advance();
                return r;
            }
        };
    }

    /** Parses one line; {@code where} names it in errors (e.g. "row 17 of part-00003.csv"). */
    static LabelledRow parseLine(String line, CsvSchema schema, String where) {
        String[] cells = split(line, schema.delimiter());
        int expected = schema.columns().size();
        if (cells.length != expected) {
            throw new DataFormatException(where + " has " + cells.length + " fields, expected " + expected);
        }
        float[] features = new float[expected - 1];
        String label = null;
        int f = 0;
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i].strip();
            if (i == schema.labelIndex()) {
                if (cell.isEmpty()) {
                    throw new DataFormatException(where + " has an empty label in column '"
                            + schema.columns().get(i) + "'");
                }
                label = cell;
                continue;
            }
            float v;
            try {
                v = Float.parseFloat(cell);
            } catch (NumberFormatException e) {
                throw new DataFormatException(where + " has non-numeric value '" + cell + "' in feature column '"
                        + schema.columns().get(i) + "'");
            }
            if (!Float.isFinite(v)) {
                throw new DataFormatException(where + " has non-finite value '" + cell + "' in feature column '"
                        + schema.columns().get(i) + "'");
            }
            features[f++] = v;
        }
        return new LabelledRow(label, features);
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
