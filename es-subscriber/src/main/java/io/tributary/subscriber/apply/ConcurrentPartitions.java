package io.tributary.subscriber.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the steps of several partitions: each partition's steps one after another, in order (a step runs only after
 * the one before it succeeded), different partitions' steps concurrently on a fixed pool of {@code concurrency}
 * threads. {@link #runInOrder} returns when every partition's work is done or stopped at its first failure, so no
 * step of one call still runs when the next call starts.
 *
 * <p>Failures: a step's {@link ApplyFailedException} stops its partition only; once all partitions are done, one
 * that is not retriable is thrown if there is any (the setup is at fault), else the first retriable one.
 *
 * <p>One caller at a time; {@link #close()} stops the threads.
 */
final class ConcurrentPartitions implements AutoCloseable {

    /** One step of a partition's work. */
    @FunctionalInterface
    interface Step<K, T> {
        void run(K partition, T item) throws ApplyFailedException;
    }

    private final int concurrency;
    private final ExecutorService pool;

    /** @param threadName prefix of the threads' names */
    ConcurrentPartitions(int concurrency, String threadName) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        this.concurrency = concurrency;
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(concurrency, task -> {
            Thread thread = new Thread(task, threadName + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Runs {@code step} on each item of each partition of {@code work}: a partition's items in list order.
     *
     * @throws ApplyFailedException as the class describes; retriable when interrupted (the flag is restored)
     */
    <K, T> void runInOrder(Map<K, List<T>> work, Step<K, T> step) throws ApplyFailedException {
        if (work.size() == 1 || concurrency == 1) {
            ApplyFailedException failure = null;
            for (Map.Entry<K, List<T>> partition : work.entrySet()) {
                try {
                    runPartition(partition.getKey(), partition.getValue(), step);
                } catch (ApplyFailedException e) {
                    failure = worse(failure, e);
                }
            }
            if (failure != null) {
                throw failure;
            }
            return;
        }
        List<Future<?>> running = new ArrayList<>(work.size());
        work.forEach((partition, items) -> running.add(pool.submit(() -> {
            runPartition(partition, items, step);
            return null;
        })));
        awaitAll(running);
    }

    private static <K, T> void runPartition(K partition, List<T> items, Step<K, T> step)
            throws ApplyFailedException {
        for (T item : items) {
            try {
                step.run(partition, item);
            } catch (ApplyFailedException e) {
                throw e.within(String.valueOf(partition));
            }
        }
    }

    private static void awaitAll(List<Future<?>> running) throws ApplyFailedException {
        ApplyFailedException failure = null;
        RuntimeException unexpected = null;
        for (Future<?> future : running) {
            try {
                future.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ApplyFailedException applyFailed) {
                    failure = worse(failure, applyFailed);
                } else if (unexpected == null) {
                    unexpected = e.getCause() instanceof RuntimeException runtime ? runtime
                            : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                running.forEach(f -> f.cancel(true));
                Thread.currentThread().interrupt();
                throw new ApplyFailedException("interrupted while applying", true, e);
            }
        }
        if (unexpected != null) {
            throw unexpected;
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** The failure to report: the first one not retriable, else the first one. */
    private static ApplyFailedException worse(ApplyFailedException first, ApplyFailedException next) {
        if (first == null || first.retriable() && !next.retriable()) {
            return next;
        }
        return first;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
