package dev.hearth.spark.serde;

import com.esotericsoftware.kryo.Kryo;
import dev.hearth.spark.data.LabelledRow;
import org.apache.spark.serializer.KryoRegistrator;
import org.nd4j.kryo.Nd4jRegistrator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Spark Kryo registrator for Hearth ({@code spark.kryo.registrator}): everything ND4J's {@link Nd4jRegistrator}
 * registers, with ND4J arrays carried by {@link BulkNdArraySerializer} and parsed rows by
 * {@link LabelledRowSerializer}, and {@code float[]} (the Hearth engine's flat parameters and updater state) by
 * {@link BulkFloatArraySerializer}. Parameter broadcasts and worker results of every averaging round, and the training
 * rows of every epoch's shuffle, pass through it.
 */
public final class HearthKryoRegistrator implements KryoRegistrator {
    /** The class name to put in {@code spark.kryo.registrator}. */
    public static final String NAME = HearthKryoRegistrator.class.getName();

    @Override
    public void registerClasses(Kryo kryo) {
        new Nd4jRegistrator().registerClasses(kryo);
        kryo.register(Nd4j.getBackend().getNDArrayClass(), new BulkNdArraySerializer());
        kryo.register(LabelledRow.class, new LabelledRowSerializer());
        // After Spark's own registrations, so this replaces Kryo's one-float-per-call array serializer.
        kryo.register(float[].class, new BulkFloatArraySerializer());
    }
}
