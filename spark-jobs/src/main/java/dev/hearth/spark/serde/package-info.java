/**
 * Fast binary forms of ND4J arrays and minibatches: bulk byte copies instead of ND4J's element-by-element streams,
 * for Kryo (parameter broadcasts and worker results), parsed rows (the training shuffle of every epoch) and exported
 * minibatch files.
 */
package dev.hearth.spark.serde;
