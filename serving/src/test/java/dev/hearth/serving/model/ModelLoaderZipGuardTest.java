package dev.hearth.serving.model;

import static dev.hearth.testing.Zips.withEntry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.runtime.ModelLoadException;
import dev.hearth.runtime.TestNetworks;
import dev.hearth.serving.TestModels;
import dev.hearth.store.ModelFiles;
import dev.hearth.store.ModelVersion;
import dev.hearth.store.hadoop.HadoopModelStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server refuses a stored model.zip carrying an entry Hearth never writes, before DL4J reads any of it. */
class ModelLoaderZipGuardTest {
    /** Counts how often a {@link Gadget} was deserialized: any count above zero means code ran from a model file. */
    static final AtomicInteger GADGET_RUNS = new AtomicInteger();

    /** Stands in for a deserialization gadget: its readObject runs code. */
    static final class Gadget implements Serializable {
        private static final long serialVersionUID = 1L;

        private void readObject(java.io.ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            GADGET_RUNS.incrementAndGet();
        }
    }

    @TempDir
    Path dir;

    @Test
    void aModelZipWithAPreprocessorEntryIsRefusedNamingTheEntry() throws Exception {
        HadoopModelStore store = HadoopModelStore.open(dir.resolve("store").toString(), new Configuration());
        var net = TestModels.network(1);
        ModelVersion genuine = TestModels.publish(store, "digits", net);
        ModelLoader loader = new ModelLoader(store, true);
        loader.load(genuine).retire();

        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, plain, false);
        byte[] hostile = withEntry(plain.toByteArray(), "preprocessor.bin", javaSerialized(new Gadget()));
        ModelVersion bad =
                TestNetworks.publish(store, "digits", ModelFiles.DL4J_MULTILAYER, TestModels.signature(), hostile);

        assertThatThrownBy(() -> loader.load(bad))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.reason()).isEqualTo("format"))
                .hasMessageContaining("model.zip of digits/2 has entry 'preprocessor.bin', which Hearth never writes;"
                        + " refusing to load it");
        assertThat(GADGET_RUNS).hasValue(0);
    }

    static byte[] javaSerialized(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }
}
