/**
 * Network specifications: parsing YAML/JSON (or the simple {@code network.*} settings) into a validated
 * {@link dev.hearth.spark.network.NetworkSpec}, and building the DL4J configuration from it. No Spark here. Every
 * word of a spec is an enum ({@link dev.hearth.spark.network.Head}, {@link dev.hearth.spark.network.Updater},
 * {@link dev.hearth.spark.network.Schedule}, {@link dev.hearth.spark.network.LayerType},
 * {@link dev.hearth.spark.network.Pooling}, {@link dev.hearth.spark.network.HiddenActivation}) parsed once when the
 * spec is read; the {@code network.*} settings use the same enums.
 */
package dev.hearth.spark.network;
