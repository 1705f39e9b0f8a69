package dev.hearth.spark.serde;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes and reads numeric ND4J arrays as a small header (data type, shape) followed by the raw element bytes in
 * C order and little-endian byte order, copied in bulk between off-heap memory and the stream. ND4J's own
 * {@code Nd4j.write}/{@code Nd4j.read} move one element per call, which made serialisation a large share of a
 * parameter-averaging round.
 */
public final class RawArrays {
    private static final int CHUNK = 1 << 16;

    private RawArrays() {}

    /** Whether this codec can carry {@code array} (numeric, uncompressed); others need ND4J's own serialiser. */
    public static boolean supports(INDArray array) {
        return !array.isCompressed() && (array.dataType().isNumerical() || array.dataType() == DataType.BOOL);
    }

    /** Writes {@code array} (any ordering or view: a C-ordered copy is written when needed). */
    public static void write(INDArray array, DataOutputStream out) throws IOException {
        INDArray a = array;
        if (!array.isEmpty()
                && (array.isView()
                        || array.ordering() != 'c'
                        || array.offset() != 0
                        || array.data().length() != array.length())) {
            a = array.dup('c');
        }
        long[] shape = a.shape();
        out.writeUTF(a.dataType().name());
        out.writeInt(shape.length);
        for (long d : shape) {
            out.writeLong(d);
        }
        long bytes = a.isEmpty() ? 0 : a.length() * a.dataType().width();
        out.writeLong(bytes);
        if (bytes == 0) {
            return;
        }
        ByteBuffer source = a.data().asNio().duplicate().order(ByteOrder.nativeOrder());
        source.position(0);
        byte[] chunk = new byte[(int) Math.min(CHUNK, bytes)];
        long left = bytes;
        boolean swap = ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            source.get(chunk, 0, n);
            if (swap) {
                reverseElements(chunk, n, a.dataType().width());
            }
            out.write(chunk, 0, n);
            left -= n;
        }
    }

    /** Reads an array written by {@link #write}. */
    public static INDArray read(DataInputStream in) throws IOException {
        DataType type;
        String name = in.readUTF();
        try {
            type = DataType.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IOException("unknown ND4J data type " + name + " in serialised array");
        }
        int rank = in.readInt();
        if (rank < 0 || rank > 32) {
            throw new IOException("serialised array has rank " + rank + ", expected 0..32");
        }
        long[] shape = new long[rank];
        long length = 1;
        for (int i = 0; i < rank; i++) {
            shape[i] = in.readLong();
            length *= shape[i];
        }
        long bytes = in.readLong();
        if (bytes != length * type.width()) {
            throw new IOException("serialised array of shape " + java.util.Arrays.toString(shape) + " and type " + type
                    + " carries " + bytes + " bytes, expected " + length * type.width());
        }
        if (length == 0) {
            return Nd4j.create(type, shape);
        }
        INDArray a = Nd4j.createUninitialized(type, shape, 'c');
        ByteBuffer target = a.data().asNio().duplicate().order(ByteOrder.nativeOrder());
        target.position(0);
        byte[] chunk = new byte[(int) Math.min(CHUNK, bytes)];
        long left = bytes;
        boolean swap = ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            in.readFully(chunk, 0, n);
            if (swap) {
                reverseElements(chunk, n, type.width());
            }
            target.put(chunk, 0, n);
            left -= n;
        }
        return a;
    }

    private static void reverseElements(byte[] b, int n, int width) {
        for (int start = 0; start + width <= n; start += width) {
            for (int i = 0, j = width - 1; i < j; i++, j--) {
                byte t = b[start + i];
                b[start + i] = b[start + j];
                b[start + j] = t;
            }
        }
    }
}
