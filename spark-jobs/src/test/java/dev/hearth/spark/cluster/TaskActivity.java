package dev.hearth.spark.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

/**
 * A {@link SparkListener} recording what the cluster did during a test: which executors ran tasks, which tasks
 * are running now (with their job's description, e.g. {@code hearth train: epoch 2/12}), failed task attempts
 * with their reasons, and executors added and removed. Spark calls it on its listener-bus thread; reads are safe
 * from any thread.
 */
final class TaskActivity extends SparkListener {
    private static final String JOB_DESCRIPTION = "spark.job.description";

    /**
     * A task attempt that has started and not yet ended.
     *
     * @param jobDescription its job's description, or "" when the job had none
     */
    record RunningTask(long taskId, int stageId, String executorId, String jobDescription) {}

    private final Map<Integer, String> stageDescriptions = new ConcurrentHashMap<>();
    private final Map<Long, RunningTask> running = new ConcurrentHashMap<>();
    private final Set<String> executorsWithTasks = ConcurrentHashMap.newKeySet();
    private final List<String> failedAttempts = new CopyOnWriteArrayList<>();
    private final List<String> executorsAdded = new CopyOnWriteArrayList<>();
    private final Map<String, String> executorsRemoved = new ConcurrentHashMap<>();

    @Override
    public void onJobStart(SparkListenerJobStart job) {
        String description = job.properties() == null ? null : job.properties().getProperty(JOB_DESCRIPTION);
        scala.collection.Seq<Object> stageIds = job.stageIds();
        for (int i = 0; i < stageIds.length(); i++) {
            stageDescriptions.put((Integer) stageIds.apply(i), description == null ? "" : description);
        }
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart task) {
        String executor = task.taskInfo().executorId();
        executorsWithTasks.add(executor);
        running.put(
                task.taskInfo().taskId(),
                new RunningTask(
                        task.taskInfo().taskId(),
                        task.stageId(),
                        executor,
                        stageDescriptions.getOrDefault(task.stageId(), "")));
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd task) {
        running.remove(task.taskInfo().taskId());
        if (task.taskInfo().failed() || task.taskInfo().killed()) {
            failedAttempts.add("stage " + task.stageId() + "." + task.stageAttemptId() + " task "
                    + task.taskInfo().index()
                    + " attempt " + task.taskInfo().attemptNumber() + " on executor "
                    + task.taskInfo().executorId()
                    + ": " + task.reason());
        }
    }

    @Override
    public void onExecutorAdded(SparkListenerExecutorAdded executor) {
        executorsAdded.add(executor.executorId());
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved executor) {
        executorsRemoved.put(executor.executorId(), executor.reason());
    }

    /** A task now running in a job whose description starts with {@code prefix}, if any. */
    Optional<RunningTask> runningTaskOf(String prefix) {
        return running.values().stream()
                .filter(t -> t.jobDescription().startsWith(prefix))
                .findFirst();
    }

    /** Ids of the executors that started at least one task. */
    Set<String> executorsWithTasks() {
        return Set.copyOf(executorsWithTasks);
    }

    /** Failed or killed task attempts, each with stage, task, attempt, executor and reason. */
    List<String> failedAttempts() {
        return List.copyOf(failedAttempts);
    }

    /** Ids of executors that registered, in order. */
    List<String> executorsAdded() {
        return List.copyOf(executorsAdded);
    }

    /** Removed executors' ids with Spark's reason. */
    Map<String, String> executorsRemoved() {
        return Map.copyOf(executorsRemoved);
    }
}
