/**
 * The long-lived retrain scheduler: Quartz cron triggers per model launching one child process per fire, never
 * overlapping per model, with a run log and a documented misfire policy. No Spark here.
 */
package dev.hearth.spark.schedule;
