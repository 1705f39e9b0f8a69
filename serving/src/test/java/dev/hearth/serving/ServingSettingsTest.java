package dev.hearth.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ServingSettingsTest {
    @Test
    void confServingPropertiesDocumentsEverySettingWithItsDefault() {
        Path root = Path.of(System.getProperty("hearth.root", ".."));
        assertThat(ServingSettings.loader().documentationProblems(root.resolve("conf/serving.properties"))).isEmpty();
    }
}
