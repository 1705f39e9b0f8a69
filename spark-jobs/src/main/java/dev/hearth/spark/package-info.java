/** Spark-side plumbing shared by the jobs: loading Hearth's Spark configuration. */
package dev.hearth.spark;
