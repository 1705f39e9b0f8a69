package dev.hearth.spark.training;

import static dev.hearth.testing.Zips.withEntry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.runtime.TestNetworks;
import dev.hearth.store.ModelFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

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
        return TestNetworks.network(3, 4, 8, 3, true, new Adam(1e-3));
    }

    static byte[] write(MultiLayerNetwork net, boolean saveUpdater) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, out, saveUpdater);
        return out.toByteArray();
    }
}
