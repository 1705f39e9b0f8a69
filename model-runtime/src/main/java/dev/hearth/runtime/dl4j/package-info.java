/**
 * DL4J {@code MultiLayerNetwork} models: restoring {@code model.zip} through the zip guard, the {@code Predictor} over
 * DL4J's {@code output()} and Hearth's dense forward pass. No Spark and no HTTP here.
 */
package dev.hearth.runtime.dl4j;
