package dev.hearth.spark.training;

import dev.hearth.store.NormalizerSpec;
import java.util.List;
import java.util.Map;

/**
 * What a checkpoint records besides the network, so a resumed run continues exactly: the run id, the finished
 * epoch, the history, the best epoch so far, the label encoding and normaliser, the settings it ran with and the
 * fingerprint of its splits.
 *
 * @param run checkpoint run id
 * @param epoch last finished epoch
 * @param history per-epoch results so far
 * @param bestEpoch epoch with the best validation metric (0 = none yet)
 * @param labels class names (empty for regression)
 * @param normalizer the fitted normaliser
 * @param settings the resolved settings of the run
 * @param split rows and digest of each split, verified on resume (null in checkpoints of older versions)
 * @param targetNormalizer the regression target's normaliser (null in checkpoints written before it existed)
 */
public record TrainingState(
        String run,
        int epoch,
        List<EpochResult> history,
        int bestEpoch,
        List<String> labels,
        NormalizerSpec normalizer,
        Map<String, String> settings,
        SplitFingerprint split,
        NormalizerSpec targetNormalizer) {}
