package dev.hearth.spark.training;

import dev.hearth.config.SettingsException;
import dev.hearth.spark.data.LabelEncoding;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Initialises a new network from a stored one of the same architecture (same parameter shapes, labels, features). */
final class WarmStart {
    private WarmStart() {}

    static void copyParameters(StoredModels.Loaded from, MultiLayerNetwork to, LabelEncoding encoding, int features) {
        String ref = from.version().ref().toString();
        var signature = from.version().metadata().signature();
        if (signature.featureCount() != features) {
            throw new SettingsException("model.warm.start " + ref + " takes " + signature.featureCount()
                    + " features but the data has " + features);
        }
        if (!signature.labelNames().equals(encoding.labels())) {
            throw new SettingsException("model.warm.start " + ref + " has labels " + signature.labelNames()
                    + " but the data has " + encoding.labels());
        }
        Map<String, INDArray> source = from.network().paramTable();
        Map<String, INDArray> target = to.paramTable();
        if (!source.keySet().equals(target.keySet())) {
            throw new SettingsException("model.warm.start " + ref + " has parameters " + source.keySet()
                    + " but the configured network has " + target.keySet() + " (different architecture)");
        }
        for (Map.Entry<String, INDArray> e : target.entrySet()) {
            INDArray s = source.get(e.getKey());
            if (!java.util.Arrays.equals(s.shape(), e.getValue().shape())) {
                throw new SettingsException("model.warm.start " + ref + " parameter " + e.getKey() + " has shape "
                        + java.util.Arrays.toString(s.shape()) + " but the configured network needs "
                        + java.util.Arrays.toString(e.getValue().shape()));
            }
        }
        to.setParams(from.network().params().dup());
    }
}
