package dev.hearth.testing.spark;

/**
 * An executor JVM ({@code CoarseGrainedExecutorBackend}) a Worker launched.
 *
 * @param pid its process id
 * @param executorId Spark's executor id, from its {@code --executor-id} argument
 * @param appId the application it serves, from its {@code --app-id} argument
 */
public record ExecutorProcess(long pid, String executorId, String appId) {}
