package dev.hearth.spark.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.config.Settings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The named forms of {@link TrainingOptions} and the settings they come from. */
class TrainingOptionsTest {
    @Test
    void evaluationReadsTheRddDirectlyWithOneBatchSize() {
        assertThat(TrainingOptions.forEvaluation(128))
                .isEqualTo(new TrainingOptions(0, 128, 1, 0, TrainingOptions.Approach.DIRECT, "", 0, false));
    }

    @Test
    void theTrainJobBuildsItsOptionsFromTheSettings() {
        Settings s = TrainSettings.loader()
                .load(
                        null,
                        List.of(
                                "train.workers=3",
                                "train.approach=Export",
                                "train.batch.size.per.worker=16",
                                "train.averaging.frequency=7",
                                "train.stats=true",
                                "split.seed=9"));
        TrainingOptions o = TrainJobConfig.of(
                        s.with(java.util.Map.of("model.name", "m", "data.path", "/x")),
                        new org.apache.hadoop.conf.Configuration())
                .options();
        assertThat(o)
                .isEqualTo(TrainingOptions.builder()
                        .workers(3)
                        .batchSizePerWorker(16)
                        .averagingFrequency(7)
                        .prefetchBatches(2)
                        .approach(TrainingOptions.Approach.EXPORT)
                        .seed(9)
                        .stats(true)
                        .build());
        assertThat(TrainJobConfig.batchSize(s)).isEqualTo(16);
    }

    @Test
    void anUnknownApproachIsRefusedAtLoad() {
        assertThatThrownBy(() -> TrainSettings.loader().load(null, List.of("train.approach=rdd")))
                .hasMessage("train.approach must be one of [auto, export, direct] but was 'rdd'");
        assertThatThrownBy(() -> new TrainingOptions(1, 1, 1, 0, "files", "", 0, false))
                .hasMessage("train.approach must be one of [auto, export, direct] but was 'files'");
    }
}
