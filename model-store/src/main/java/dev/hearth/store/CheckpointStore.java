package dev.hearth.store;

import java.util.Map;
import java.util.Optional;

/**
 * Per-epoch training checkpoints kept in the store's staging area, so an interrupted run (driver crash, killed job)
 * can resume from its last complete epoch. Checkpoints are never served and are removed once the run publishes.
 */
public interface CheckpointStore {

    /** One complete checkpoint: a run's epoch and a reader for its files. */
    interface Checkpoint {
        String run();

        int epoch();

        /** Reads one file of the checkpoint. */
        byte[] read(String file);
    }

    /**
     * Saves the checkpoint of {@code epoch} atomically (a half-written checkpoint is never returned by
     * {@link #latest}) and drops older epochs of the same run.
     */
    void save(String model, String run, int epoch, Map<String, ModelDraft.FileWriter> files);

    /** The newest complete checkpoint of the most recent run of {@code model}, if any. */
    Optional<Checkpoint> latest(String model);

    /** Removes every checkpoint of a run. */
    void delete(String model, String run);
}
