package io.tributary.ops;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a service's loop on its own thread: {@code runOnce} again and again until a stop is requested or it throws.
 * After a requested stop it runs {@code onStop} (the graceful part: drain, flush, commit); in every case it then
 * runs {@code cleanup} (close connections). A throwable from either step is the loop's {@link #failure()}.
 * Thread-safe.
 */
public final class ServiceLoop {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceLoop.class);

    /** One step of the loop. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    private final String name;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile boolean running;
    private volatile Throwable failure;
    private Thread thread;

    /** @param name the thread's name, also used in log lines */
    public ServiceLoop(String name) {
        this.name = name;
    }

    /** Starts the thread. Call once. */
    public synchronized void start(Step runOnce, Step onStop, Runnable cleanup) {
        if (thread != null) {
            throw new IllegalStateException(name + " was already started");
        }
        running = true;
        thread = new Thread(() -> loop(runOnce, onStop, cleanup), name);
        thread.start();
    }

    private void loop(Step runOnce, Step onStop, Runnable cleanup) {
        try {
            while (!stopRequested) {
                runOnce.run();
            }
            onStop.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        } catch (Throwable e) {
            failure = e;
            LOG.error("{} failed: {}", name, e.getMessage(), e);
        } finally {
            running = false;
            try {
                cleanup.run();
            } finally {
                finished.countDown();
            }
        }
    }

    /** True from {@link #start} until the loop has ended. */
    public boolean isRunning() {
        return running;
    }

    /** True once {@link #stop()} was called: steps that wait should give up. */
    public boolean stopRequested() {
        return stopRequested;
    }

    /** Why the loop ended, if it ended by failing. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Blocks until the loop has ended (and cleaned up). Returns at once if it was never started. */
    public void awaitTermination() throws InterruptedException {
        Thread started;
        synchronized (this) {
            started = thread;
        }
        if (started != null) {
            finished.await();
        }
    }

    /** Requests a stop and waits for the loop to end gracefully. Idempotent. */
    public void stop() throws InterruptedException {
        stopRequested = true;
        awaitTermination();
    }
}
