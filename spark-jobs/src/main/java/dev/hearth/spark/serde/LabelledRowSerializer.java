package dev.hearth.spark.serde;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.hearth.spark.data.LabelledRow;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Kryo serializer for parsed rows: the label, the feature count and the features as raw little-endian bytes copied
 * in bulk. Training shuffles every row once per epoch (and caches them serialised); Kryo's default field serializer
 * wrote the class name and moved one float per call.
 */
public final class LabelledRowSerializer extends Serializer<LabelledRow> {
    /** Reused per Kryo instance (Kryo instances are not shared between threads). */
    private ByteBuffer buffer = ByteBuffer.allocate(0);

    @Override
    public void write(Kryo kryo, Output output, LabelledRow row) {
        float[] features = row.features();
        output.writeString(row.label());
        output.writeString(row.key());
        output.writeVarInt(features.length, true);
        ByteBuffer b = buffer(features.length);
        b.asFloatBuffer().put(features);
        output.writeBytes(b.array(), 0, features.length * Float.BYTES);
    }

    @Override
    public LabelledRow read(Kryo kryo, Input input, Class<LabelledRow> type) {
        String label = input.readString();
        String key = input.readString();
        int n = input.readVarInt(true);
        if (n < 0) {
            throw new IllegalStateException("corrupt serialised row: " + n + " features");
        }
        ByteBuffer b = buffer(n);
        input.readBytes(b.array(), 0, n * Float.BYTES);
        float[] features = new float[n];
        b.asFloatBuffer().get(features);
        return new LabelledRow(label, features, key);
    }

    private ByteBuffer buffer(int floats) {
        if (buffer.capacity() < floats * Float.BYTES) {
            buffer = ByteBuffer.allocate(floats * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        }
        buffer.clear();
        return buffer;
    }
}
