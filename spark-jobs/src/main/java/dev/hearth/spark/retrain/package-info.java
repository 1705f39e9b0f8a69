/**
 * Scheduled retraining: date partitions and the watermark, the store lock, the champion/challenger gate evaluated
 * in one distributed pass, the serving-loader infra check and compare-and-swap promotion. No CLI types here; the
 * {@code retrain} job in {@code dev.hearth.spark.job} is a thin wrapper.
 */
package dev.hearth.spark.retrain;
