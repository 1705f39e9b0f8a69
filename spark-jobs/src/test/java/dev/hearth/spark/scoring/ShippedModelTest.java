package dev.hearth.spark.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.runtime.ModelLoadException;
import dev.hearth.runtime.RowPredictor;
import dev.hearth.runtime.TestNetworks;
import dev.hearth.runtime.dl4j.Dl4jPredictor;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;

/** What executors receive: a Java-serialised description that restores the model as the server does. */
class ShippedModelTest {
    private static final Signature SIGNATURE = new Signature(
            "input",
            "FP32",
            4,
            List.of("a", "b", "c", "d"),
            List.of("x", "y", "z"),
            new NormalizerSpec("standardize", null, null, new double[] {1, 2, 3, 4}, new double[] {2, 2, 2, 2}));

    @Test
    void travelsThroughJavaSerialisationAndRunsLikeTheServersPredictor() throws Exception {
        MultiLayerNetwork net = TestNetworks.classifier(3);
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, zip, false);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new ShippedModel("iris/4", ModelFiles.DL4J_MULTILAYER, SIGNATURE));
        }
        ShippedModel shipped;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            shipped = (ShippedModel) in.readObject();
        }
        assertThat(shipped.what()).isEqualTo("iris/4");
        assertThat(shipped.signature().labelNames()).containsExactly("x", "y", "z");
        assertThat(shipped.signature().normalizer().mean()).containsExactly(1, 2, 3, 4);

        float[] rows = {1, 2, 3, 4, 0, 0, 0, 0};
        try (RowPredictor p = shipped.openRows(zip.toByteArray());
                Dl4jPredictor server = new Dl4jPredictor("iris/4", SIGNATURE, net, true)) {
            assertThat(p.predictRows(rows, 2)).containsExactly(server.predictRows(rows, 2));
        }
        assertThatThrownBy(() -> shipped.openRows(new byte[] {1, 2, 3}))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.reason()).isEqualTo("format"))
                .hasMessageStartingWith("cannot restore iris/4: ");
    }
}
