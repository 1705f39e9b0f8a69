package dev.hearth.spark.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.SparkConfFile;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

class BulkFloatArraySerializerTest {

    private static float[] someFloats(int n, long seed) {
        Random r = new Random(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) r.nextGaussian();
        }
        return f;
    }

    @Test
    void sparksKryoWithHearthsRegistratorCarriesFloatArraysBitForBit() {
        SparkConf conf = SparkConfFile.apply(LocalSpark.sparkDefaults(), new SparkConf(false));
        SerializerInstance kryo = new KryoSerializer(conf).newInstance();
        float[] special = {
            0f, -0f, Float.NaN, Float.intBitsToFloat(0x7fc00001), Float.POSITIVE_INFINITY, Float.MIN_VALUE, -3e-39f
        };
        // Lengths around the 16,384-float chunk, the benchmark network's 235,146 parameters, and the empty array.
        for (float[] a : new float[][] {
            special, new float[0], someFloats(16_384, 1), someFloats(16_385, 2), someFloats(235_146, 3)
        }) {
            float[] back = kryo.deserialize(
                    kryo.serialize(a, ClassTag$.MODULE$.apply(float[].class)), ClassTag$.MODULE$.apply(float[].class));
            assertThat(back).hasSize(a.length);
            for (int i = 0; i < a.length; i++) {
                assertThat(Float.floatToRawIntBits(back[i]))
                        .as("element %d of %d", i, a.length)
                        .isEqualTo(Float.floatToRawIntBits(a[i]));
            }
        }
        // A round's broadcast: parameters and updater state in one float[][], one of them null-free but empty.
        float[][] start = {someFloats(1_000, 4), new float[0]};
        float[][] startBack = kryo.deserialize(
                kryo.serialize(start, ClassTag$.MODULE$.apply(float[][].class)),
                ClassTag$.MODULE$.apply(float[][].class));
        assertThat(startBack[0]).containsExactly(start[0]);
        assertThat(startBack[1]).isEmpty();
    }

    @Test
    void nullAndKryosLengthPrefixAreKept() {
        Kryo kryo = new Kryo();
        kryo.register(float[].class, new BulkFloatArraySerializer());
        Output out = new Output(64, -1);
        kryo.writeObjectOrNull(out, null, float[].class);
        kryo.writeObjectOrNull(out, new float[] {1.5f, -2f}, float[].class);
        byte[] bytes = out.toBytes();
        // Kryo's own float[] serializer reads the same bytes: the layout (length + 1 as a varint, then
        // big-endian IEEE 754 floats) is unchanged, only the copying is in bulk.
        Kryo plain = new Kryo();
        Input in = new Input(bytes);
        assertThat(plain.readObjectOrNull(in, float[].class)).isNull();
        assertThat(plain.readObjectOrNull(in, float[].class)).containsExactly(1.5f, -2f);
    }

    @Test
    void aLengthOverTheBoundIsRefusedBeforeAllocating() {
        Kryo kryo = new Kryo();
        kryo.setReferences(false); // as Spark's Kryo reads a task result's arrays: the length comes first
        kryo.register(float[].class, new BulkFloatArraySerializer(1_000));
        Output out = new Output(16, -1);
        out.writeVarInt(2_000_000_001, true); // claims 2,000,000,000 floats (8 GB), carries none
        assertThatThrownBy(() -> kryo.readObject(new Input(out.toBytes()), float[].class))
                .isInstanceOf(KryoException.class)
                .hasMessageContaining("claims 2000000000 elements, expected 0..1000");
        assertThatThrownBy(() -> new BulkFloatArraySerializer(-1)).hasMessage("maxLength must be >= 0 but was -1");
    }
}
