package dev.hearth.spark.network;

import dev.hearth.config.Choice;

/** The output head of a network: spec files' {@code head} and the {@code network.head} setting. */
public enum Head implements Choice {
    /** Softmax over the classes, cross-entropy loss. */
    CLASSIFICATION,
    /** Identity output with mean squared error. */
    REGRESSION
}
