package dev.hearth.spark.data;

import java.io.Serializable;
import java.util.Iterator;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.api.java.JavaHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Parses text files line by line on the executors, naming each line by file and row ("row 17 of part-00003.csv",
 * or a byte offset inside splits of very large files), with the bad-row policy applied: {@code fail} stops the
 * job with the parser's message, {@code skip} counts the row in an accumulator and goes on.
 */
public final class TextInput {
    /** Turns one line into a row; returns null for lines that carry no row (headers, blanks). */
    @FunctionalInterface
    public interface LineParser extends Serializable {
        LabelledRow parse(String line, long rowInFile, boolean fromFileStart, String where);
    }

    private TextInput() {}

    /**
     * Parses {@code path}. Files are split only at file-system block boundaries so that row numbers are exact in
     * all but very large files; input in fewer partitions than the default parallelism (one gzip file) is then
     * spread over it ({@link InputPartitioning}).
     *
     * @param skipped counts skipped rows when {@code skipBadRows}
     */
    public static JavaRDD<LabelledRow> parse(
            JavaSparkContext sc, String path, LineParser parser, boolean skipBadRows, LongAccumulator skipped) {
        @SuppressWarnings("unchecked")
        JavaHadoopRDD<LongWritable, Text> lines = (JavaHadoopRDD<LongWritable, Text>)
                sc.hadoopFile(path, TextInputFormat.class, LongWritable.class, Text.class, 1);
        JavaRDD<LabelledRow> rows = lines.mapPartitionsWithInputSplit(
                (split, it) -> {
                    FileSplit fileSplit = (FileSplit) split;
                    String file = fileSplit.getPath().getName();
                    boolean fromStart = fileSplit.getStart() == 0;
                    return new Iterator<LabelledRow>() {
                        private long row;
                        private LabelledRow next = advance();

                        private LabelledRow advance() {
                            while (it.hasNext()) {
                                scala.Tuple2<LongWritable, Text> t = it.next();
                                row++;
                                String line = t._2().toString();
                                if (line.isBlank()) {
                                    continue;
                                }
                                String where = fromStart
                                        ? "row " + row + " of " + file
                                        : "line at byte " + t._1().get() + " of " + file;
                                try {
                                    LabelledRow r = parser.parse(line, row, fromStart, where);
                                    if (r != null) {
                                        return r;
                                    }
                                } catch (DataFormatException e) {
                                    if (!skipBadRows) {
                                        throw e;
                                    }
                                    skipped.add(1);
                                }
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
                },
                true);
        return InputPartitioning.spread(rows, sc.defaultParallelism());
    }

    /** Whether a failure is (caused by) bad input data, and its message. */
    public static DataFormatException dataError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof DataFormatException d) {
                return d;
            }
        }
        return null;
    }
}
