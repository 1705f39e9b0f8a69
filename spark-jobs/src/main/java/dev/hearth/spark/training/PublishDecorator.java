package dev.hearth.spark.training;

import dev.hearth.store.Signature;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Called by {@link TrainingPipeline} after training and the test evaluation, just before publishing, to add tags
 * and provenance computed from the trained network (versions are immutable, so this is the last chance). The
 * retrain job runs its champion/challenger gate here. An exception aborts the run and nothing is published.
 */
@FunctionalInterface
public interface PublishDecorator {
    /** Adds nothing. */
    PublishDecorator NONE = (network, modelZip, signature, test) -> new Decoration(Map.of(), Map.of());

    /**
     * @param network the trained network (do not modify)
     * @param modelZip the exact {@code model.zip} bytes that will be published
     * @param signature the version's signature (features, labels, normaliser)
     * @param test metrics on the run's test split
     */
    Decoration decorate(MultiLayerNetwork network, byte[] modelZip, Signature signature, EvaluationReport test);

    /** Extra tags and provenance entries; provenance entries replace the pipeline's own of the same key. */
    record Decoration(Map<String, String> tags, Map<String, Object> provenance) {}
}
