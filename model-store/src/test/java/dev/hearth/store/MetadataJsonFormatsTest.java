package dev.hearth.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code metadata.json} of formats 1, 2 and 3 (plain and encrypted), as the store wrote them before
 * {@link ModelMetadata} held a {@link ModelDescription}: read and written again, and rebuilt from a draft's
 * description plus the store's fields, they come out byte for byte the same.
 */
class MetadataJsonFormatsTest {
    private final MetadataJson json = new MetadataJson();

    @ParameterizedTest
    @ValueSource(
            strings = {"format1-classification", "format2-regression", "format3-classification", "format3-encrypted"})
    void writesEveryFormatByteForByte(String name) throws IOException {
        byte[] stored = resource("metadata-" + name + ".json");
        ModelMetadata read = json.read(stored, name);

        assertThat(new String(json.write(read), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(new String(stored, java.nio.charset.StandardCharsets.UTF_8));

        ModelDraft draft = new ModelDraft(
                read.framework(),
                read.signature(),
                read.metrics(),
                read.training(),
                read.provenance(),
                read.tags(),
                Map.of("model.zip", out -> out.write(1)));
        ModelMetadata rebuilt = new ModelMetadata(
                read.formatVersion(),
                read.name(),
                read.version(),
                read.createdAt(),
                read.creator(),
                draft.description(),
                read.files(),
                read.encryption());
        assertThat(rebuilt).isEqualTo(read);
        assertThat(json.write(rebuilt)).isEqualTo(stored);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = MetadataJsonFormatsTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
