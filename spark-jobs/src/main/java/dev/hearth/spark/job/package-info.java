/** Thin picocli entry points for spark-submit; each opens the SparkSession and hands off to a testable class. */
package dev.hearth.spark.job;
