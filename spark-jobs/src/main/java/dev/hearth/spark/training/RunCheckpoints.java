package dev.hearth.spark.training;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.config.SettingsException;
import dev.hearth.store.CheckpointStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes and reads a run's per-epoch checkpoints: the network with its updater state ({@code network.zip}), the
 * best epoch's network when it differs ({@code best.zip}) and the {@link TrainingState} ({@code state.json}),
 * which records the split fingerprint a resumed run is checked against.
 */
public final class RunCheckpoints {
    private static final Logger LOG = LoggerFactory.getLogger(RunCheckpoints.class);

    /** Settings that may change between an interrupted run and its resumption. */
    static final Set<String> MAY_CHANGE = Set.of(
            TrainSettings.TRAIN_EPOCHS,
            TrainSettings.TRAIN_PATIENCE,
            TrainSettings.TRAIN_PREFETCH,
            TrainSettings.TRAIN_EXPORT_DIR,
            TrainSettings.TRAIN_APPROACH,
            TrainSettings.TRAIN_ENGINE);

    /** A restored checkpoint. */
    public record Restored(TrainingState state, MultiLayerNetwork network, MultiLayerNetwork best) {}

    private final CheckpointStore store;
    private final ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public RunCheckpoints(CheckpointStore store) {
        this.store = store;
    }

    public void save(String model, TrainingState state, MultiLayerNetwork network, MultiLayerNetwork best) {
        Map<String, dev.hearth.store.ModelDraft.FileWriter> files = new LinkedHashMap<>();
        files.put("network.zip", out -> ModelSerializer.writeModel(network, out, true));
        if (best != null) {
            files.put("best.zip", out -> ModelSerializer.writeModel(best, out, false));
        }
        files.put("state.json", out -> out.write(json.writeValueAsBytes(state)));
        store.save(model, state.run(), state.epoch(), files);
    }

    /**
     * The latest checkpoint of {@code model}, checked against the current settings.
     *
     * @throws SettingsException when there is none, or it was trained with different settings
     */
    public Restored restore(String model, Map<String, String> settings) {
        Optional<CheckpointStore.Checkpoint> latest = store.latest(model);
        if (latest.isEmpty()) {
            throw new SettingsException("--resume: no checkpoint of model '" + model + "' to resume from");
        }
        CheckpointStore.Checkpoint c = latest.get();
        TrainingState state;
        try {
            state = json.readValue(c.read("state.json"), TrainingState.class);
        } catch (IOException e) {
            throw new UncheckedIOException("checkpoint state of " + model + " run " + c.run() + " is unreadable", e);
        }
        Set<String> differing = new TreeSet<>();
        settings.forEach((k, v) -> {
            if (!MAY_CHANGE.contains(k) && !v.equals(state.settings().get(k))) {
                differing.add(k + " (" + state.settings().get(k) + " -> " + v + ")");
            }
        });
        if (!differing.isEmpty()) {
            throw new SettingsException("--resume: the checkpoint of run " + c.run() + " was trained with different "
                    + "settings: " + differing);
        }
        MultiLayerNetwork network =
                StoredModels.restoreCheckpoint(c.read("network.zip"), "network.zip of checkpoint " + c.run());
        MultiLayerNetwork best = state.bestEpoch() != state.epoch()
                ? StoredModels.restoreCheckpoint(c.read("best.zip"), "best.zip of checkpoint " + c.run())
                : null;
        return new Restored(state, network, best);
    }

    /**
     * Refuses to resume on splits that differ from the checkpoint's: the weights were trained on the checkpoint's
     * training split, so changed data could put rows already trained on into validation or test.
     *
     * @throws SettingsException naming each split that changed, with its rows and digest then and now
     */
    public void verifySplit(Restored restored, SplitFingerprint now) {
        SplitFingerprint then = restored.state().split();
        if (then == null) {
            LOG.warn(
                    "--resume: the checkpoint of run {} records no split fingerprint (written by an older version); "
                            + "cannot verify that the data is unchanged",
                    restored.state().run());
            return;
        }
        List<String> changed = then.differences(now);
        if (!changed.isEmpty()) {
            throw new SettingsException("--resume: the data changed since run "
                    + restored.state().run()
                    + " was checkpointed, so rows it trained on could now be in validation or test: "
                    + String.join("; ", changed) + ". Restore the original data or start a new run without --resume");
        }
        LOG.info(
                "--resume: splits match the checkpoint (train {}, validation {}, test {} rows)",
                now.trainRows(),
                now.validationRows(),
                now.testRows());
    }

    public void delete(String model, String run) {
        store.delete(model, run);
    }
}
