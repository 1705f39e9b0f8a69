package dev.hearth.spark.training;

import static dev.hearth.testing.Zips.withEntry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.store.ModelFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Every restore in the Spark jobs goes through the zip guard on the bytes it restores. */
class StoredModelsTest {
    @Test
    void restoresWhatHearthWritesAndRefusesAnythingElse() throws Exception {
        MultiLayerNetwork net = network();
        byte[] model = write(net, false);
        assertThat(StoredModels.restore(model, "digits/3").params()).isEqualTo(net.params());

        byte[] hostile = withEntry(model, "preprocessor.bin", new byte[] {(byte) 0xac, (byte) 0xed, 0, 5});
        assertThatThrownBy(() -> StoredModels.restore(hostile, "digits/3"))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("model.zip of digits/3 has entry 'preprocessor.bin', which Hearth never"
                        + " writes; refusing to load it");
        byte[] normalizer = withEntry(model, "normalizer.bin", new byte[8]);
        assertThatThrownBy(() -> StoredModels.restore(normalizer, "digits/3"))
                .hasMessageContaining("has entry 'normalizer.bin'");
    }

    @Test
    void checkpointsMayCarryUpdaterStateButServedModelsMayNot() throws Exception {
        MultiLayerNetwork net = network();
        byte[] checkpoint = write(net, true);
        MultiLayerNetwork restored = StoredModels.restoreCheckpoint(checkpoint, "network.zip of checkpoint r1");
        assertThat(restored.getUpdater().getStateViewArray())
                .isEqualTo(net.getUpdater().getStateViewArray());
        assertThatThrownBy(() -> StoredModels.restore(checkpoint, "digits/3"))
                .hasMessageContaining("has entry 'updaterState.bin', which Hearth never writes");
        assertThatThrownBy(() -> StoredModels.restoreCheckpoint(
                        withEntry(checkpoint, "preprocessor.bin", new byte[4]), "network.zip of checkpoint r1"))
                .hasMessageStartingWith("network.zip of checkpoint r1 has entry 'preprocessor.bin'");
    }

    static MultiLayerNetwork network() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(4)
                        .nOut(8)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(8)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
        net.init();
        return net;
    }

    static byte[] write(MultiLayerNetwork net, boolean saveUpdater) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, out, saveUpdater);
        return out.toByteArray();
    }
}
