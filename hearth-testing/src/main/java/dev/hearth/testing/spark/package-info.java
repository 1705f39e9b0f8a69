/**
 * Spark fixtures: a real standalone cluster from the build's class path ({@link
 * dev.hearth.testing.spark.StandaloneCluster}) and the {@code spark-defaults.conf} reader tests and benchmarks
 * configure their sessions with ({@link dev.hearth.testing.spark.SparkConfFile}).
 */
package dev.hearth.testing.spark;
