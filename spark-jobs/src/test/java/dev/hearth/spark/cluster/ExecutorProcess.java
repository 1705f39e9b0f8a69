package dev.hearth.spark.cluster;

/**
 * An executor JVM ({@code CoarseGrainedExecutorBackend}) a Worker launched.
 *
 * @param pid its process id
 * @param executorId Spark's executor id, from its {@code --executor-id} argument
 * @param appId the application it serves, from its {@code --app-id} argument
 */
record ExecutorProcess(long pid, String executorId, String appId) {}
