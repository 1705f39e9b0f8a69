package dev.hearth.spark.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.spark.LocalSpark;
import dev.hearth.spark.SparkConfFile;
import dev.hearth.spark.data.LabelledRow;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import scala.reflect.ClassTag$;

class RawArraysTest {

    private static INDArray roundTrip(INDArray a) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RawArrays.write(a, new DataOutputStream(bytes));
        return RawArrays.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    }

    @Test
    void everyNumericTypeShapeAndLayoutRoundTrips() throws IOException {
        for (DataType type : List.of(DataType.FLOAT, DataType.DOUBLE, DataType.INT, DataType.LONG, DataType.HALF)) {
            INDArray a = Nd4j.linspace(-5, 6, 12, DataType.DOUBLE).castTo(type).reshape(3, 4);
            INDArray back = roundTrip(a);
            assertThat(back.dataType()).isEqualTo(type);
            assertThat(back.shape()).containsExactly(3, 4);
            assertThat(back).isEqualTo(a);
        }
        INDArray fortran = Nd4j.rand(DataType.FLOAT, 'f', 5, 7);
        assertThat(roundTrip(fortran)).isEqualTo(fortran);
        INDArray view = Nd4j.rand(DataType.FLOAT, 6, 8).get(NDArrayIndex.interval(1, 4), NDArrayIndex.interval(2, 7));
        assertThat(view.isView()).isTrue();
        assertThat(roundTrip(view)).isEqualTo(view);
        INDArray scalar = Nd4j.scalar(3.5f);
        assertThat(roundTrip(scalar).getFloat(0)).isEqualTo(3.5f);
        INDArray empty = Nd4j.create(DataType.FLOAT, 0, 4);
        assertThat(roundTrip(empty).shape()).containsExactly(0, 4);
        INDArray big = Nd4j.rand(DataType.FLOAT, 300, 1000); // several copy chunks
        assertThat(roundTrip(big)).isEqualTo(big);
    }

    @Test
    void corruptHeaderIsRefusedWithWhatWasWrong() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeUTF("FLOAT");
        out.writeInt(1);
        out.writeLong(4);
        out.writeLong(12);
        assertThatThrownBy(() -> RawArrays.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("carries 12 bytes, expected 16");
    }

    @Test
    void sparkKryoWithHearthsRegistratorCarriesArraysMinibatchesAndRows() {
        SparkConf conf = SparkConfFile.apply(LocalSpark.sparkDefaults(), new SparkConf(false));
        assertThat(conf.get("spark.kryo.registrator")).isEqualTo(HearthKryoRegistrator.NAME);
        SerializerInstance kryo = new KryoSerializer(conf).newInstance();
        INDArray params = Nd4j.rand(DataType.FLOAT, 1, 235_146);
        INDArray back = kryo.deserialize(
                kryo.serialize(params, ClassTag$.MODULE$.apply(INDArray.class)),
                ClassTag$.MODULE$.apply(INDArray.class));
        assertThat(back).isEqualTo(params);
        DataSet ds = new DataSet(
                Nd4j.rand(DataType.FLOAT, 64, 784),
                Nd4j.eye(64).castTo(DataType.FLOAT).getColumns(0, 1, 2));
        DataSet dsBack = kryo.deserialize(
                kryo.serialize(ds, ClassTag$.MODULE$.apply(DataSet.class)), ClassTag$.MODULE$.apply(DataSet.class));
        assertThat(dsBack.getFeatures()).isEqualTo(ds.getFeatures());
        assertThat(dsBack.getLabels()).isEqualTo(ds.getLabels());
        // Parsed rows, as every epoch's training shuffle carries them (label may be null: unlabelled scoring input).
        for (LabelledRow row : List.of(
                new LabelledRow("7", new float[] {0f, -1.5f, Float.MAX_VALUE, 3e-39f}),
                new LabelledRow(null, new float[0]),
                new LabelledRow("", new float[784]),
                new LabelledRow("3", new float[] {1f}, "user-17"))) {
            LabelledRow rowBack = kryo.deserialize(
                    kryo.serialize(row, ClassTag$.MODULE$.apply(LabelledRow.class)),
                    ClassTag$.MODULE$.apply(LabelledRow.class));
            assertThat(rowBack.label()).isEqualTo(row.label());
            assertThat(rowBack.key()).as("split key column").isEqualTo(row.key());
            assertThat(rowBack.features()).containsExactly(row.features());
        }
    }

    @Test
    void minibatchFilesKeepFeaturesLabelsAndMasks() throws IOException {
        DataSet ds = new DataSet(
                Nd4j.rand(DataType.FLOAT, 3, 4),
                Nd4j.rand(DataType.FLOAT, 3, 2),
                Nd4j.ones(DataType.FLOAT, 3, 4),
                null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        MinibatchFiles.write(ds, bytes);
        DataSet back = MinibatchFiles.read(new ByteArrayInputStream(bytes.toByteArray()), "mem");
        assertThat(back.getFeatures()).isEqualTo(ds.getFeatures());
        assertThat(back.getLabels()).isEqualTo(ds.getLabels());
        assertThat(back.getFeaturesMaskArray()).isEqualTo(ds.getFeaturesMaskArray());
        assertThat(back.getLabelsMaskArray()).isNull();
        assertThatThrownBy(() -> MinibatchFiles.read(new ByteArrayInputStream(new byte[] {1, 2, 3, 4}), "x.hmb"))
                .hasMessageContaining("x.hmb is not a Hearth minibatch file");
    }
}
