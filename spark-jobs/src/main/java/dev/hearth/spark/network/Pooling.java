package dev.hearth.spark.network;

import dev.hearth.config.Choice;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

/** The reduction of a pooling layer ({@code pooling: max}). */
public enum Pooling implements Choice {
    MAX,
    AVG;

    /** DL4J's pooling type. */
    public SubsamplingLayer.PoolingType dl4j() {
        return this == AVG ? SubsamplingLayer.PoolingType.AVG : SubsamplingLayer.PoolingType.MAX;
    }
}
