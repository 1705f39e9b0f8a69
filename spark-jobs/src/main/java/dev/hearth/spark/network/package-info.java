/**
 * Network specifications: parsing YAML/JSON (or the simple {@code network.*} settings) into a validated
 * {@link dev.hearth.spark.network.NetworkSpec}, and building the DL4J configuration from it. No Spark here.
 */
package dev.hearth.spark.network;
