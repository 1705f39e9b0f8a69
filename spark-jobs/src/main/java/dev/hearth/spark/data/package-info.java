/**
 * Reading labelled data from Hadoop paths into rows, fitting normalisers with a distributed pass, and cutting
 * rows into {@code RDD<DataSet>} minibatches. No training or store code here.
 */
package dev.hearth.spark.data;
