/**
 * Hearth's own parameter-averaging engine on plain Spark primitives ({@link dev.hearth.spark.engine.HearthEngine}):
 * one Spark job per averaging round, workers training with the fused dense step ({@code engine.fused}) or DL4J's
 * {@code fit}. Implements the training package's {@code TrainingEngine} seam; nothing here knows about the store.
 */
package dev.hearth.spark.engine;
