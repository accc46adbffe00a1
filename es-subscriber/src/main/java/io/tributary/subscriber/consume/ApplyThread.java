package io.tributary.subscriber.consume;

import io.tributary.subscriber.apply.ApplyFailedException;
import io.tributary.subscriber.apply.Rejection;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;

/**
 * Applies batches on a thread of their own, so that the consumer thread polls and decodes the next batch while
 * Elasticsearch works on this one ({@link ChangeConsumer}). One batch at a time: {@link #start} refuses a second
 * while the first is still applying, so the {@link BatchApplier} is never called concurrently; the consumer starts a
 * batch only after {@linkplain Applying#await() awaiting} the one before, so a batch is applied only after every
 * batch before it.
 */
public final class ApplyThread implements AutoCloseable {

    private final BatchApplier applier;
    private final Executor executor;
    private final Runnable shutdown;
    private Applying current;

    /** @param executor where each apply runs; {@code Runnable::run} applies on the caller's thread (in tests) */
    public ApplyThread(BatchApplier applier, Executor executor) {
        this(applier, executor, () -> { });
    }

    private ApplyThread(BatchApplier applier, Executor executor, Runnable shutdown) {
        this.applier = applier;
        this.executor = executor;
        this.shutdown = shutdown;
    }

    /** Applies on a daemon thread named {@code tributary-apply}, stopped by {@link #close()}. */
    public static ApplyThread ofOwnThread(BatchApplier applier) {
        ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
            Thread applying = new Thread(task, "tributary-apply");
            applying.setDaemon(true);
            return applying;
        });
        return new ApplyThread(applier, thread, thread::shutdownNow);
    }

    /** Starts applying {@code batch}'s events; only one batch at a time. */
    Applying start(Batch batch) {
        if (current != null && !current.isDone()) {
            throw new IllegalStateException("a batch is still being applied");
        }
        FutureTask<List<Rejection>> result;
        if (batch.events().isEmpty()) { // nothing to apply: done at once
            result = new FutureTask<>(List::of);
            result.run();
        } else {
            result = new FutureTask<>(() -> applier.apply(batch.events(), batch.eventPartitions(),
                    batch.plannedAhead()));
            executor.execute(result);
        }
        current = new Applying(batch, result);
        return current;
    }

    /**
     * Plans {@code batch}'s writes now, on the caller's thread, while the batch before it is applying, when the applier
     * can ({@link BatchApplier#planAhead}); the plan is used when the batch starts, unless the batch changes before.
     * Planned once: a batch already planned, or that could not be, is left as it is.
     */
    void planAhead(Batch batch) {
        if (!batch.plannedAheadTried()) {
            batch.plannedAhead(applier.planAhead(batch.events()));
        }
    }

    /** Stops the thread; an apply running now is interrupted. */
    @Override
    public void close() {
        shutdown.run();
    }

    /** A batch being applied. */
    static final class Applying {

        private final Batch batch;
        private final FutureTask<List<Rejection>> result;

        private Applying(Batch batch, FutureTask<List<Rejection>> result) {
            this.batch = batch;
            this.result = result;
        }

        Batch batch() {
            return batch;
        }

        boolean isDone() {
            return result.isDone();
        }

        /**
         * Waits until the batch is applied.
         *
         * @return the events rejected for good, as {@link BatchApplier#apply} returned them
         * @throws ApplyFailedException as {@link BatchApplier#apply} threw it
         * @throws InterruptedException when the consumer thread is interrupted; the apply is interrupted too
         */
        List<Rejection> await() throws ApplyFailedException, InterruptedException {
            try {
                return result.get();
            } catch (InterruptedException e) {
                result.cancel(true);
                throw e;
            } catch (CancellationException e) {
                throw new ApplyFailedException("the apply was cancelled", true, e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof ApplyFailedException applyFailed) {
                    throw applyFailed;
                }
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(cause);
            }
        }
    }
}
