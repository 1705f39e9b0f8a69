/**
 * A real Spark standalone cluster for integration tests, started from the build's class path through a throw-away
 * {@code SPARK_HOME} ({@link dev.hearth.testing.spark.StandaloneCluster}); no Spark class is compiled against here.
 */
package dev.hearth.testing.spark;
