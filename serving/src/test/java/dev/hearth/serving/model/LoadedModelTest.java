package dev.hearth.serving.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.serving.TestModels;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.assertj.core.data.Offset;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A served version answers the same on Hearth's dense forward pass as on DL4J's {@code output()}. */
class LoadedModelTest {
    @TempDir
    Path dir;

    @Test
    void denseAndDl4jForwardPassesGiveTheSameProbabilities() {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        MultiLayerNetwork network = TestModels.network(31);
        ModelVersion version = TestModels.publish(store, "iris", network);
        LoadedModel dense = new LoadedModel(version, network, true);
        LoadedModel dl4j = new LoadedModel(version, network, false);
        try {
            assertThat(dense.usesDenseForwardPass()).isTrue();
            assertThat(dl4j.usesDenseForwardPass()).isFalse();
            // Raw features: both apply the signature's min-max normaliser first.
            float[] rows = {1, 2, 3, 4, 9.5f, 0, 5, 2.5f, 0, 0, 0, 0};
            float[] expected = dl4j.predict(rows, 3);
            assertThat(expected).hasSize(9);
            assertThat(dense.predict(rows, 3)).containsExactly(expected, Offset.offset(1e-5f));
            assertThat(rows).containsExactly(1, 2, 3, 4, 9.5f, 0, 5, 2.5f, 0, 0, 0, 0);
        } finally {
            dense.retire();
            dl4j.retire();
        }
    }
}
