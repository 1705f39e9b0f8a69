package dev.hearth.spark.data;

import java.util.Set;
import java.util.TreeSet;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The row numbers in a minibatch of the tests' numbered digits: the digits rows carry their row number as an extra
 * 65th feature (column 64), so a test can see which rows a minibatch holds.
 */
public final class RowIds {
    /** The feature column holding the row number. */
    public static final int COLUMN = 64;

    private RowIds() {}

    /** The row numbers of {@code batch}. */
    public static Set<Integer> of(DataSet batch) {
        Set<Integer> ids = new TreeSet<>();
        for (float id : batch.getFeatures()
                .get(NDArrayIndex.all(), NDArrayIndex.point(COLUMN))
                .dup()
                .toFloatVector()) {
            ids.add((int) id);
        }
        return ids;
    }
}
