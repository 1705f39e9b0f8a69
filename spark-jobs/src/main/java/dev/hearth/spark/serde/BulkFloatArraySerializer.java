package dev.hearth.spark.serde;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Kryo serializer for {@code float[]} that moves the elements in bulk, 64 KiB at a time, in Kryo's own layout
 * (big-endian IEEE 754).
 * Kryo's own array serializer writes and reads one float per call; a Hearth averaging round sends its flat parameters
 * and updater state (hundreds of thousands of floats) out in a broadcast and back in every worker's result, so the
 * per-element path sat on every round's critical path. The bytes are the same as Kryo's (length + 1 as a varint, 0 for
 * null, then the elements), so either side can read the other's; a length that does not fit the configured bound is refused before anything is allocated.
 */
public final class BulkFloatArraySerializer extends Serializer<float[]> {
    /** Floats per copied chunk. */
    private static final int CHUNK = 1 << 14;

    private final int maxLength;

    /** A serializer that refuses arrays longer than {@code maxLength} when reading. */
    public BulkFloatArraySerializer(int maxLength) {
        if (maxLength < 0) {
            throw new IllegalArgumentException("maxLength must be >= 0 but was " + maxLength);
        }
        this.maxLength = maxLength;
        setAcceptsNull(true);
    }

    /** A serializer bounded by the largest array Java can hold. */
    public BulkFloatArraySerializer() {
        this(Integer.MAX_VALUE - 8);
    }

    @Override
    public void write(Kryo kryo, Output output, float[] array) {
        if (array == null) {
            output.writeVarInt(0, true);
            return;
        }
        output.writeVarInt(array.length + 1, true);
        if (array.length == 0) {
            return;
        }
        byte[] chunk = new byte[Math.min(CHUNK, array.length) * Float.BYTES];
        FloatBuffer view = ByteBuffer.wrap(chunk).order(ByteOrder.BIG_ENDIAN).asFloatBuffer();
        for (int from = 0; from < array.length; ) {
            int n = Math.min(CHUNK, array.length - from);
            view.clear();
            view.put(array, from, n);
            output.writeBytes(chunk, 0, n * Float.BYTES);
            from += n;
        }
    }

    @Override
    public float[] read(Kryo kryo, Input input, Class<float[]> type) {
        int prefix = input.readVarInt(true);
        if (prefix == 0) {
            return null;
        }
        int length = prefix - 1;
        if (length < 0 || length > maxLength) {
            throw new KryoException("serialised float[] claims " + length + " elements, expected 0.." + maxLength);
        }
        float[] array = new float[length];
        if (length == 0) {
            return array;
        }
        byte[] chunk = new byte[Math.min(CHUNK, length) * Float.BYTES];
        FloatBuffer view = ByteBuffer.wrap(chunk).order(ByteOrder.BIG_ENDIAN).asFloatBuffer();
        for (int from = 0; from < length; ) {
            int n = Math.min(CHUNK, length - from);
            input.readBytes(chunk, 0, n * Float.BYTES);
            view.clear();
            view.get(array, from, n);
            from += n;
        }
        return array;
    }

    @Override
    public float[] copy(Kryo kryo, float[] original) {
        return original == null ? null : original.clone();
    }
}
