package dev.hearth.spark.training;

import static dev.hearth.spark.training.TrainSettings.MODEL_WARM_START;
import static dev.hearth.spark.training.TrainSettings.TRAIN_WARM_START_SCHEDULE;

import dev.hearth.config.Settings;
import dev.hearth.config.SettingsException;
import dev.hearth.spark.data.LabelEncoding;
import dev.hearth.store.ModelStore;
import dev.hearth.store.NormalizerSpec;
import dev.hearth.store.Signature;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Initialises a new network from a stored one of the same architecture. The start model's weights were learned on
 * inputs scaled by its normaliser and emit its classes in its order, so a warm start keeps both: the normaliser is
 * not refitted on the new data (a one-day window would rescale every input under the old weights), the label list
 * is the start model's (a class missing from the window is fine; a class the model does not know cannot be added
 * to a trained output layer and is refused); a regression model's target normaliser is kept for the same reason as
 * its input normaliser (its weights learned to emit targets on that scale). With {@code train.warm.start.schedule=continue} the learning-rate
 * schedule continues where the start model stopped: DL4J schedules (and Adam's bias correction) read the iteration
 * and epoch counts of the network's configuration, which the stored model carries.
 */
final class WarmStart {
    private static final Logger LOG = LoggerFactory.getLogger(WarmStart.class);

    private final StoredModels.Loaded from;
    private final boolean continueSchedule;

    private WarmStart(StoredModels.Loaded from, boolean continueSchedule) {
        this.from = from;
        this.continueSchedule = continueSchedule;
    }

    /**
     * Loads the start model named by {@code model.warm.start}, or returns null when there is none or the run resumes
     * a checkpoint (which has its own state). The schedule setting is validated either way.
     */
    static WarmStart of(ModelStore store, Settings s, boolean resuming) {
        boolean continueSchedule = s.getEnum(TRAIN_WARM_START_SCHEDULE, TrainSettings.WarmStartSchedule.class)
                == TrainSettings.WarmStartSchedule.CONTINUE;
        String ref = s.get(MODEL_WARM_START);
        return resuming || ref.isEmpty() ? null : new WarmStart(StoredModels.load(store, ref), continueSchedule);
    }

    /** The start model's reference ({@code name/N}), recorded as the parent version. */
    String parent() {
        return from.version().ref().toString();
    }

    private Signature signature() {
        return from.version().metadata().signature();
    }

    /**
     * The start model's label encoding (for a regression model: with its target normaliser), after checking that every class of the new training data is one of its
     * classes.
     *
     * @param classification whether the configured head is a classification head
     * @param dataLabels the classes of the training split
     * @param dataPath where they come from, for the message
     */
    LabelEncoding encoding(boolean classification, Collection<String> dataLabels, String dataPath) {
        List<String> labels = signature().labelNames();
        if (labels.isEmpty() == classification) {
            throw new SettingsException(MODEL_WARM_START + " " + parent() + " is a "
                    + (labels.isEmpty() ? "regression" : "classification") + " model but network.head is "
                    + (classification ? "classification" : "regression"));
        }
        if (!classification) {
            NormalizerSpec target = signature().targetNormalizer();
            LOG.info(
                    "Warm start from {}: keeping its {} target normaliser (not refitted on the new data)",
                    parent(),
                    target.kind());
            return LabelEncoding.regression(target);
        }
        Set<String> known = labels.stream().map(LabelEncoding::canonical).collect(Collectors.toSet());
        List<String> unknown = dataLabels.stream()
                .filter(l -> !known.contains(LabelEncoding.canonical(l)))
                .sorted()
                .toList();
        if (!unknown.isEmpty()) {
            throw new SettingsException("the training data " + dataPath + " has "
                    + (unknown.size() == 1 ? "class " : "classes ") + quoted(unknown) + " that " + MODEL_WARM_START
                    + " " + parent()
                    + " does not know (its classes: " + shorten(labels) + "); a warm start keeps the model's output "
                    + "layer and cannot add a class: train from scratch (retrain.start=scratch for a retrain, or "
                    + "without --warm-start / " + MODEL_WARM_START + ")");
        }
        List<String> absent = labels.stream()
                .filter(l -> dataLabels.stream()
                        .noneMatch(d -> LabelEncoding.canonical(d).equals(LabelEncoding.canonical(l))))
                .toList();
        if (!absent.isEmpty()) {
            LOG.info(
                    "Warm start from {}: classes {} have no training rows in this data; the model keeps them",
                    parent(),
                    shorten(absent));
        }
        return LabelEncoding.classes(labels);
    }

    /**
     * The start model's normaliser, after checking the features match.
     *
     * @param featureNames the new data's feature names
     * @param configured the {@code normalizer} setting (ignored: the start model's normaliser is kept)
     */
    NormalizerSpec normalizer(List<String> featureNames, String configured) {
        Signature sig = signature();
        checkFeatures(sig, featureNames);
        NormalizerSpec n = sig.normalizer() == null ? NormalizerSpec.none() : sig.normalizer();
        if (!n.kind().equals(configured)) {
            LOG.warn(
                    "Warm start from {}: keeping its {} normaliser; normalizer={} applies only to a fresh start",
                    parent(),
                    n.kind(),
                    configured);
        } else {
            LOG.info(
                    "Warm start from {}: keeping its {} normaliser (not refitted on the new data)", parent(), n.kind());
        }
        return n;
    }

    private void checkFeatures(Signature sig, List<String> featureNames) {
        if (sig.featureCount() != featureNames.size()) {
            throw new SettingsException(MODEL_WARM_START + " " + parent() + " takes " + sig.featureCount()
                    + " features but the data has " + featureNames.size());
        }
        List<String> stored = sig.featureNames();
        if (stored != null && !stored.isEmpty() && !stored.equals(featureNames)) {
            for (int i = 0; i < featureNames.size(); i++) {
                if (!stored.get(i).equals(featureNames.get(i))) {
                    throw new SettingsException(MODEL_WARM_START + " " + parent() + " has feature '" + stored.get(i)
                            + "' at position " + i + " but the data has '" + featureNames.get(i)
                            + "' there: the columns must be the same, in the same order");
                }
            }
        }
    }

    /**
     * Copies the start model's parameters into {@code to} (same parameter names and shapes) and, when continuing
     * the schedule, its iteration and epoch counts.
     */
    void initialise(MultiLayerNetwork to) {
        String ref = parent();
        Map<String, INDArray> source = from.network().paramTable();
        Map<String, INDArray> target = to.paramTable();
        if (!source.keySet().equals(target.keySet())) {
            throw new SettingsException(MODEL_WARM_START + " " + ref + " has parameters " + source.keySet()
                    + " but the configured network has " + target.keySet() + " (different architecture)");
        }
        for (Map.Entry<String, INDArray> e : target.entrySet()) {
            INDArray s = source.get(e.getKey());
            if (!Arrays.equals(s.shape(), e.getValue().shape())) {
                throw new SettingsException(MODEL_WARM_START + " " + ref + " parameter " + e.getKey() + " has shape "
                        + Arrays.toString(s.shape()) + " but the configured network needs "
                        + Arrays.toString(e.getValue().shape()));
            }
        }
        to.setParams(from.network().params().dup());
        MultiLayerConfiguration source0 = from.network().getLayerWiseConfigurations();
        MultiLayerConfiguration target0 = to.getLayerWiseConfigurations();
        if (continueSchedule) {
            target0.setIterationCount(source0.getIterationCount());
            target0.setEpochCount(source0.getEpochCount());
            LOG.info(
                    "Warm start from {}: the learning-rate schedule continues at iteration {}, epoch {} ({}=continue)",
                    ref,
                    source0.getIterationCount(),
                    source0.getEpochCount(),
                    TRAIN_WARM_START_SCHEDULE);
        } else {
            LOG.info(
                    "Warm start from {}: the learning-rate schedule restarts at iteration 0 ({}=restart; {} was at "
                            + "iteration {})",
                    ref,
                    TRAIN_WARM_START_SCHEDULE,
                    ref,
                    source0.getIterationCount());
        }
    }

    private static String quoted(List<String> labels) {
        return String.join(", ", shorten(labels.stream().map(l -> "'" + l + "'").toList()))
                + (labels.size() > 20 ? ", ..." : "");
    }

    private static List<String> shorten(List<String> labels) {
        return labels.size() <= 20 ? labels : labels.subList(0, 20);
    }
}
