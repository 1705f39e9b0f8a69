package dev.hearth.spark.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.spark.LocalSpark;
import org.junit.jupiter.api.Test;

class TrainSettingsTest {
    @Test
    void confTrainPropertiesDocumentsEverySettingWithItsDefault() {
        assertThat(TrainSettings.loader().documentationProblems(LocalSpark.projectRoot().resolve("conf/train.properties")))
                .isEmpty();
    }

    @Test
    void quickstartConfigOnlyUsesKnownSettings() {
        TrainSettings.loader().load(LocalSpark.projectRoot().resolve("conf/quickstart.properties"), java.util.List.of());
    }
}
