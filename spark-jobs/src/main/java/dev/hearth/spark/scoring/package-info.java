/**
 * Using stored models on Spark: distributed evaluation of a model reference on a dataset and distributed batch
 * scoring to Parquet/CSV. Models are read (checksum-verified) through the store API.
 */
package dev.hearth.spark.scoring;
