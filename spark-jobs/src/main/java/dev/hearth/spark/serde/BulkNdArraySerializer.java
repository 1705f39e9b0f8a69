package dev.hearth.spark.serde;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.nd4j.kryo.Nd4jSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Kryo serializer for ND4J arrays that copies element bytes in bulk ({@link RawArrays}); arrays it cannot carry
 * (compressed, strings) go through ND4J's own {@link Nd4jSerializer}. A leading marker byte says which.
 */
public final class BulkNdArraySerializer extends Serializer<INDArray> {
    private static final byte RAW = 1;
    private static final byte ND4J = 2;
    private final Nd4jSerializer fallback = new Nd4jSerializer();

    @Override
    public void write(Kryo kryo, Output output, INDArray array) {
        if (!RawArrays.supports(array)) {
            output.writeByte(ND4J);
            fallback.write(kryo, output, array);
            return;
        }
        output.writeByte(RAW);
        try {
            DataOutputStream out = new DataOutputStream(output);
            RawArrays.write(array, out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public INDArray read(Kryo kryo, Input input, Class<INDArray> type) {
        byte marker = input.readByte();
        if (marker == ND4J) {
            return fallback.read(kryo, input, type);
        }
        if (marker != RAW) {
            throw new IllegalStateException("corrupt serialised INDArray: marker " + marker);
        }
        try {
            return RawArrays.read(new DataInputStream(input));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
