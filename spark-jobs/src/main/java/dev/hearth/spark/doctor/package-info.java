/** Pre-flight checks of a Spark configuration for DL4J training, each with a verdict and the fix. */
package dev.hearth.spark.doctor;
