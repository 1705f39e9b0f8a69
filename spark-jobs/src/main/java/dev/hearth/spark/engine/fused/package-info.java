/**
 * The fused dense training step: forward pass, loss, backward pass and updater of plain dense networks as direct
 * OpenBLAS {@code sgemm} calls and Java loops on buffers allocated once, updating the network's own parameter and
 * updater-state arrays in place. No Spark and no ND4J op dispatch here; networks it cannot run are named with a
 * reason so the caller can fall back to DL4J's {@code fit}.
 */
package dev.hearth.spark.engine.fused;
