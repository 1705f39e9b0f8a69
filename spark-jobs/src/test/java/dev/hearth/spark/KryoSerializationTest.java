package dev.hearth.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import scala.reflect.ClassTag$;

class KryoSerializationTest {

    @Test
    void sparkDefaultsConfigureKryoWithHearthsRegistrator() {
        Map<String, String> conf = SparkConfFile.read(LocalSpark.sparkDefaults());
        assertThat(conf)
                .containsEntry("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .containsEntry("spark.kryo.registrator", "dev.hearth.spark.serde.HearthKryoRegistrator")
                .containsEntry("spark.locality.wait", "0");
    }

    @Test
    void configuredSerializerRoundTripsAnIndArrayAndADataSet() {
        SparkConf conf = SparkConfFile.apply(LocalSpark.sparkDefaults(), new SparkConf(false));
        SerializerInstance kryo = new KryoSerializer(conf).newInstance();

        INDArray array = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 5);
        ByteBuffer bytes = kryo.serialize(array, ClassTag$.MODULE$.apply(INDArray.class));
        INDArray back = kryo.deserialize(bytes, ClassTag$.MODULE$.apply(INDArray.class));
        assertThat(back).isEqualTo(array);
        assertThat(back.dataType()).isEqualTo(array.dataType());

        DataSet ds = new DataSet(Nd4j.rand(2, 4), Nd4j.eye(2));
        DataSet dsBack = kryo.deserialize(
                kryo.serialize(ds, ClassTag$.MODULE$.apply(DataSet.class)), ClassTag$.MODULE$.apply(DataSet.class));
        assertThat(dsBack.getFeatures()).isEqualTo(ds.getFeatures());
        assertThat(dsBack.getLabels()).isEqualTo(ds.getLabels());
    }
}
