package dev.hearth.runtime;

import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Locale;

/** The element types a {@link Predictor} exchanges, named as the Open Inference Protocol names them. */
public enum TensorType {
    FP32(4, FloatBuffer.class),
    FP64(8, DoubleBuffer.class),
    INT32(4, IntBuffer.class),
    INT64(8, LongBuffer.class);

    private final int bytes;
    private final Class<? extends Buffer> buffer;

    TensorType(int bytes, Class<? extends Buffer> buffer) {
        this.bytes = bytes;
        this.buffer = buffer;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The NIO buffer type holding elements of this type. */
    public Class<? extends Buffer> bufferType() {
        return buffer;
    }

    /** The type named {@code datatype} (case-insensitive), or an error naming the allowed ones. */
    public static TensorType of(String datatype) {
        if (datatype != null) {
            for (TensorType t : values()) {
                if (t.name().equals(datatype.toUpperCase(Locale.ROOT))) {
                    return t;
                }
            }
        }
        throw new IllegalArgumentException(
                "datatype must be one of [FP32, FP64, INT32, INT64] but was '" + datatype + "'");
    }
}
