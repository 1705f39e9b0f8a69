/**
 * Network construction from settings, the {@link dev.hearth.spark.training.TrainingEngine} seam and its DL4J
 * parameter-averaging implementation, evaluation, and publishing trained models to the store.
 */
package dev.hearth.spark.training;
