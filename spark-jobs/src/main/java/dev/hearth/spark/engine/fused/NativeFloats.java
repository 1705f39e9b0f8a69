package dev.hearth.spark.engine.fused;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A block of native floats seen two ways: as a pointer for OpenBLAS and as a direct {@link FloatBuffer} for the
 * element-wise loops (absolute {@code get}/{@code put} on a direct buffer compile to plain loads and stores).
 */
final class NativeFloats implements AutoCloseable {
    final FloatPointer pointer;
    final FloatBuffer buffer;
    final long length;
    private final boolean owned;

    private NativeFloats(FloatPointer pointer, long length, boolean owned) {
        this.pointer = pointer;
        this.length = length;
        this.owned = owned;
        this.buffer = length == 0
                ? FloatBuffer.allocate(0)
                : pointer.capacity(length).limit(length).asBuffer();
        pointer.position(0);
    }

    /** {@code length} new zeroed native floats, freed by {@link #close}. */
    static NativeFloats allocate(long length) {
        FloatPointer p = new FloatPointer(Math.max(1, length));
        Pointer.memset(p, 0, Math.max(1, length) * Float.BYTES);
        return new NativeFloats(p, length, true);
    }

    /** The memory of a contiguous float array (not copied: writes go to the array); the array must outlive this. */
    static NativeFloats wrap(INDArray array) {
        if (array.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("a " + array.dataType() + " array cannot be wrapped as floats");
        }
        return new NativeFloats(new FloatPointer(array.data().addressPointer()), array.length(), false);
    }

    /** Address of the element at {@code index}, for comparing where views start. */
    static long address(INDArray array) {
        Pointer p = array.data().addressPointer();
        return p.address() + p.position() * Float.BYTES;
    }

    /** A pointer to element {@code offset} of this block (made once per use site, not per step). */
    FloatPointer at(long offset) {
        return new FloatPointer(pointer).position(offset);
    }

    @Override
    public void close() {
        if (owned) {
            pointer.deallocate();
        }
    }
}
