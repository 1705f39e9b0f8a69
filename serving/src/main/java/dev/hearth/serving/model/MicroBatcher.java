package dev.hearth.serving.model;

import dev.hearth.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic micro-batching for one served model: concurrent requests are queued, and a single worker thread
 * merges consecutive requests for the same loaded version into one forward pass of at most
 * {@code maxBatchRows} rows, waiting at most {@code maxDelay} after the first request for more to arrive. Each
 * request's rows are split back out of the merged result. Requests of named tensors (a model with a tensor
 * signature, e.g. an imported ONNX graph) are merged the same way along their first axis when every input and
 * output of the model has a dynamic first axis and the requests agree on the other axes and requested outputs
 * ({@link TensorBatches}); otherwise each runs in a pass of its own.
 *
 * <p>With no delay configured and light load, a request that finds the model idle (nothing queued, no forward
 * pass running) runs at once on its own thread: there is nothing to merge it with, and handing it to the worker
 * and back costs two thread wake-ups, which for a small model is more than the forward pass (figures:
 * bench/RESULTS.md, serving benchmark). Requests that arrive while a pass runs queue up and are merged as before. Once the worker merges
 * requests (the load is high enough to form batches), every request goes through the queue until the worker runs a
 * pass of a single request again: otherwise single-request passes slip in between batches and cost saturated
 * throughput when a pass is expensive.
 *
 * <p>The queue is bounded by {@code maxQueueRows}: a request that would queue more rows fails at once with
 * {@link OverloadedException}. A caller that gives up (timeout) {@link #withdraw withdraws} its request, which then
 * never runs. Whatever a forward pass throws, {@link Error}s included, fails only the requests of that pass; the
 * worker logs it once and goes on with the next batch.
 */
public final class MicroBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MicroBatcher.class);
    /** What a refused client is told to wait before retrying (Retry-After), in seconds. */
    private static final long RETRY_AFTER_SECONDS = 1;

    /**
     * One queued request, and the future its caller waits on. It is settled exactly once, by the worker taking it
     * into a forward pass or by a withdrawal (caller gave up, shutdown); whoever settles it takes it off the queue
     * counts, so a withdrawn request never runs and is never counted twice.
     */
    private static final class Job extends CompletableFuture<Object> {
        final LoadedModel model;
        /** Rows of features (a feature-rows model), or null for a named-tensor request. */
        final float[] features;
        /** The named input tensors (a tensor-signature model), or null for rows. */
        final Map<String, Tensor> tensors;

        final Set<String> outputs;
        final int rows;
        final AtomicBoolean settled = new AtomicBoolean();

        Job(LoadedModel model, float[] features, Map<String, Tensor> tensors, Set<String> outputs, int rows) {
            this.model = model;
            this.features = features;
            this.tensors = tensors;
            this.outputs = outputs;
            this.rows = rows;
        }

        /** Whether {@code next} may run in the same pass as this job (same model, mergeable tensors). */
        boolean mergesWith(Job next) {
            if (next.model != model) {
                return false;
            }
            if (tensors == null) {
                return next.tensors == null;
            }
            return next.tensors != null
                    && TensorBatches.batchable(model.signature())
                    && outputs.equals(next.outputs)
                    && TensorBatches.compatible(tensors, next.tensors);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> CompletableFuture<T> typed(CompletableFuture<?> f) {
        return (CompletableFuture<T>) f;
    }

    private final String name;
    private final BatchingConfig config;
    private final ModelEvents events;
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    /** Rows and requests waiting (queued, carried or being gathered into a batch, not yet settled). */
    private final AtomicLong queuedRows = new AtomicLong();

    private final AtomicInteger queuedRequests = new AtomicInteger();
    private final Thread worker;
    /** One permit: held by whoever runs a forward pass of this batcher, the worker or an idle-path caller. */
    private final Semaphore running = new Semaphore(1);
    /** Whether the worker's last pass merged more than one request: then requests always queue. */
    private volatile boolean merging;

    private volatile boolean closed;
    /** A job taken from the queue that did not fit the previous batch; only touched by the worker. */
    private volatile Job carry;

    public MicroBatcher(String name, BatchingConfig config, ModelEvents events) {
        this.name = name;
        this.config = config;
        this.events = events;
        this.worker = new Thread(this::run, "hearth-batcher-" + name);
        this.worker.setDaemon(true);
        if (config.enabled()) {
            worker.start();
        }
    }

    public BatchingConfig config() {
        return config;
    }

    /** Requests waiting for a forward pass. */
    public int queueDepth() {
        return queuedRequests.get();
    }

    /**
     * Queues {@code rows} rows of raw features for {@code model}, which the caller holds acquired until the
     * future completes. The future fails with {@link OverloadedException} when the queue is full.
     *
     * @return the model's outputs, {@code rows * outputWidth}, row-major
     */
    public CompletableFuture<float[]> submit(LoadedModel model, float[] features, int rows) {
        return typed(submit(new Job(model, features, null, null, rows)));
    }

    /**
     * Queues a named-tensor request for {@code model} (a tensor signature), which the caller holds acquired until
     * the future completes; requests are merged along the first axis when every input and output of the model has
     * a dynamic first axis and their other axes agree. The future fails with {@link OverloadedException} when the
     * queue is full.
     *
     * @param rows size of the inputs' first axis (what the queue and batch limits count)
     * @param outputs the outputs to compute, empty for all
     * @return the requested outputs of this request
     */
    public CompletableFuture<Map<String, Tensor>> submitTensors(
            LoadedModel model, Map<String, Tensor> inputs, Set<String> outputs, int rows) {
        return typed(submit(new Job(model, null, inputs, outputs, rows)));
    }

    private CompletableFuture<Object> submit(Job request) {
        int rows = request.rows;
        if (!config.enabled()) {
            CompletableFuture<Object> result = new CompletableFuture<>();
            runNow(request, result);
            return result;
        }
        if (closed) {
            return CompletableFuture.failedFuture(shuttingDown());
        }
        if (!merging
                && config.maxDelayMicros() == 0
                && queuedRequests.get() == 0
                && carry == null
                && running.tryAcquire()) {
            CompletableFuture<Object> result = new CompletableFuture<>();
            try {
                runNow(request, result);
            } finally {
                running.release();
            }
            return result;
        }
        if (!admit(rows)) {
            return CompletableFuture.failedFuture(new OverloadedException(
                    "model '" + name + "' has "
                            + queuedRows.get() + " rows waiting for a forward pass; " + rows + " more would exceed "
                            + config.maxQueueRows() + " (batching.max.queue.rows)",
                    RETRY_AFTER_SECONDS));
        }
        Job job = request;
        queue.add(job);
        // The worker may have drained the queue for shutdown just before this job arrived.
        if (closed && settle(job)) {
            queue.remove(job);
            job.completeExceptionally(shuttingDown());
        }
        return job;
    }

    /**
     * Takes a request that is still waiting off the queue, so it never runs (its caller gave up waiting); its
     * future then completes with a {@link java.util.concurrent.CancellationException}.
     *
     * @return false when the request is already in a forward pass or done (it then completes as usual)
     */
    public boolean withdraw(CompletableFuture<?> result) {
        if (!(result instanceof Job job) || !settle(job)) {
            return false;
        }
        // The worker may hold it as carry or in a batch being gathered: it skips settled jobs.
        queue.remove(job);
        job.cancel(false);
        return true;
    }

    /** Counts a request into the queue unless that would exceed the row limit (an empty queue takes any request). */
    private boolean admit(int rows) {
        while (true) {
            long queued = queuedRows.get();
            if (queued > 0 && queued + rows > config.maxQueueRows()) {
                return false;
            }
            if (queuedRows.compareAndSet(queued, queued + rows)) {
                queuedRequests.incrementAndGet();
                return true;
            }
        }
    }

    /** Settles a job (claims it for a pass or withdraws it); false when it was settled before. */
    private boolean settle(Job job) {
        if (!job.settled.compareAndSet(false, true)) {
            return false;
        }
        queuedRows.addAndGet(-job.rows);
        queuedRequests.decrementAndGet();
        return true;
    }

    private ModelNotReadyException shuttingDown() {
        return new ModelNotReadyException("model '" + name + "' is shutting down");
    }

    private void runNow(Job request, CompletableFuture<Object> result) {
        try {
            result.complete(
                    request.tensors != null
                            ? request.model.runTensors(request.tensors, request.outputs)
                            : request.model.predict(request.features, request.rows));
            events.batchExecuted(name, 1, request.rows);
        } catch (Throwable t) {
            result.completeExceptionally(failure(t));
            logFailure(1, t);
        }
    }

    private void run() {
        while (!closed || !queue.isEmpty() || carry != null) {
            Job first;
            try {
                first = carry != null ? carry : queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
                continue;
            }
            carry = null;
            if (first == null || first.isDone()) {
                continue;
            }
            // Waits for a pass a caller runs on its own thread; requests arriving meanwhile join this batch.
            running.acquireUninterruptibly();
            List<Job> batch = null;
            try {
                batch = gather(first);
                List<Job> claimed = new ArrayList<>(batch.size());
                for (Job j : batch) {
                    if (settle(j)) {
                        claimed.add(j);
                    }
                }
                if (!claimed.isEmpty()) {
                    merging = claimed.size() > 1;
                    execute(claimed);
                }
            } catch (Throwable t) {
                // Not from the forward pass (execute handles that): fail what was taken and keep the worker alive.
                RuntimeException failure = failure(t);
                settle(first);
                first.completeExceptionally(failure);
                if (batch != null) {
                    for (Job j : batch) {
                        settle(j);
                        j.completeExceptionally(failure);
                    }
                }
                logFailure(batch == null ? 1 : batch.size(), t);
            } finally {
                running.release();
            }
        }
        Job j;
        while ((j = queue.poll()) != null) {
            if (settle(j)) {
                j.completeExceptionally(shuttingDown());
            }
        }
    }

    /** {@code first} and the queued jobs that join it within the delay; none of them is settled yet. */
    private List<Job> gather(Job first) {
        List<Job> batch = new ArrayList<>();
        batch.add(first);
        int rows = first.rows;
        long deadline = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(config.maxDelayMicros());
        while (rows < config.maxBatchRows()) {
            long wait = deadline - System.nanoTime();
            Job next;
            try {
                next = wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                // Run what was gathered; the run loop sees the interrupt at its next wait.
                Thread.currentThread().interrupt();
                break;
            }
            if (next == null) {
                break;
            }
            if (next.isDone()) {
                continue;
            }
            if (!first.mergesWith(next) || rows + next.rows > config.maxBatchRows()) {
                carry = next;
                break;
            }
            batch.add(next);
            rows += next.rows;
        }
        return batch;
    }

    /** One forward pass over claimed jobs; whatever it throws fails exactly these jobs. */
    private void execute(List<Job> batch) {
        if (batch.get(0).tensors != null) {
            executeTensors(batch);
            return;
        }
        try {
            LoadedModel model = batch.get(0).model;
            int width = model.signature().featureCount();
            int outputs = model.outputWidth();
            int rows = batch.stream().mapToInt(j -> j.rows).sum();
            float[] features;
            if (batch.size() == 1) {
                features = batch.get(0).features;
            } else {
                features = new float[rows * width];
                int at = 0;
                for (Job j : batch) {
                    System.arraycopy(j.features, 0, features, at, j.features.length);
                    at += j.features.length;
                }
            }
            float[] out = model.predict(features, rows);
            events.batchExecuted(name, batch.size(), rows);
            int at = 0;
            for (Job j : batch) {
                float[] part = new float[j.rows * outputs];
                System.arraycopy(out, at, part, 0, part.length);
                at += part.length;
                j.complete(part);
            }
        } catch (Throwable t) {
            RuntimeException failure = failure(t);
            for (Job j : batch) {
                j.completeExceptionally(failure);
            }
            logFailure(batch.size(), t);
        }
    }

    /** One pass over claimed named-tensor jobs, merged along the first axis; failures fail exactly these jobs. */
    private void executeTensors(List<Job> batch) {
        try {
            LoadedModel model = batch.get(0).model;
            Set<String> outputs = batch.get(0).outputs;
            if (batch.size() == 1) {
                batch.get(0).complete(model.runTensors(batch.get(0).tensors, outputs));
                events.batchExecuted(name, 1, batch.get(0).rows);
                return;
            }
            List<Map<String, Tensor>> inputs = new ArrayList<>(batch.size());
            long rows = 0;
            for (Job j : batch) {
                inputs.add(j.tensors);
                rows += j.tensors.values().iterator().next().shape()[0];
            }
            Map<String, Tensor> out = model.runTensors(TensorBatches.concat(inputs), outputs);
            events.batchExecuted(name, batch.size(), (int) rows);
            long at = 0;
            for (Job j : batch) {
                long n = j.tensors.values().iterator().next().shape()[0];
                j.complete(TensorBatches.slice(out, rows, at, n));
                at += n;
            }
        } catch (Throwable t) {
            RuntimeException failure = failure(t);
            for (Job j : batch) {
                j.completeExceptionally(failure);
            }
            logFailure(batch.size(), t);
        }
    }

    /**
     * What the requests of a failed pass complete with: the model's own runtime exception as it is; running out
     * of memory is an overload (503, retry later); any other {@link Error} an internal failure (500).
     */
    private RuntimeException failure(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof OutOfMemoryError) {
            return new OverloadedException(
                    "the forward pass of model '" + name + "' ran out of memory", RETRY_AFTER_SECONDS);
        }
        return new ForwardPassException("the forward pass of model '" + name + "' failed: " + t, t);
    }

    /** Logs an {@link Error} once per failed pass; runtime exceptions are reported per request by the HTTP layer. */
    private void logFailure(int requests, Throwable t) {
        if (t instanceof RuntimeException) {
            return;
        }
        try {
            LOG.error(
                    "Forward pass of model {} over {} requests failed; they get an error, the batcher goes on",
                    name,
                    requests,
                    t);
        } catch (Throwable ignored) {
            // Logging itself failed (e.g. still out of memory): the worker must survive that too.
        }
    }

    /** Stops taking requests, finishes the queued ones, and stops the worker. */
    @Override
    public void close() {
        closed = true;
        if (config.enabled()) {
            try {
                worker.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
