package dev.hearth.spark.training;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.config.SettingsException;
import dev.hearth.store.CheckpointStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Writes and reads a run's per-epoch checkpoints: the network with its updater state ({@code network.zip}), the
 * best epoch's network when it differs ({@code best.zip}) and the {@link TrainingState} ({@code state.json}).
 */
public final class RunCheckpoints {
    /** Settings that may change between an interrupted run and its resumption. */
    static final Set<String> MAY_CHANGE = Set.of(TrainSettings.TRAIN_EPOCHS, TrainSettings.TRAIN_PATIENCE,
            TrainSettings.TRAIN_PREFETCH, TrainSettings.TRAIN_EXPORT_DIR, TrainSettings.TRAIN_APPROACH);

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
        MultiLayerNetwork network = StoredModels.restoreCheckpoint(c.read("network.zip"),
                "network.zip of checkpoint " + c.run());
        MultiLayerNetwork best = state.bestEpoch() != state.epoch()
                ? StoredModels.restoreCheckpoint(c.read("best.zip"), "best.zip of checkpoint " + c.run()) : null;
        return new Restored(state, network, best);
    }

    public void delete(String model, String run) {
        store.delete(model, run);
    }
}
