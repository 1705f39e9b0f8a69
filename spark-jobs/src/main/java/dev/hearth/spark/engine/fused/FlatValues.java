package dev.hearth.spark.engine.fused;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves a network's flat parameter or updater-state vector to and from a Java {@code float[]} with one bulk copy
 * each way, for the averaging rounds that ship these vectors every round ({@code Nd4j.create} + {@code assign} copy
 * twice and allocate a temporary native array). Falls back to those for arrays that are not a whole contiguous
 * float buffer.
 */
public final class FlatValues {
    private FlatValues() {}

    /** Overwrites {@code target} (a flat vector of {@code values.length} elements) with {@code values}. */
    public static void load(INDArray target, float[] values) {
        if (target.length() != values.length) {
            throw new IllegalArgumentException(
                    "cannot load " + values.length + " values into an array of " + target.length());
        }
        if (values.length == 0) {
            return;
        }
        if (whole(target)) {
            NativeFloats.wrap(target).buffer.put(0, values);
        } else {
            target.assign(Nd4j.create(values, target.shape()));
        }
    }

    /** The elements of {@code source}, each multiplied by {@code weight}, as a new array. */
    public static float[] weighted(INDArray source, float weight) {
        float[] out;
        if (source.length() == 0) {
            return new float[0];
        }
        if (whole(source)) {
            out = new float[(int) source.length()];
            NativeFloats.wrap(source).buffer.get(0, out);
        } else {
            out = source.toFloatVector();
        }
        if (weight != 1f) {
            for (int i = 0; i < out.length; i++) {
                out[i] *= weight;
            }
        }
        return out;
    }

    private static boolean whole(INDArray a) {
        return a.dataType() == DataType.FLOAT
                && a.offset() == 0
                && a.data().length() == a.length()
                && a.length() <= Integer.MAX_VALUE;
    }
}
