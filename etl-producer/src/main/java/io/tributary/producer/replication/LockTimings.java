package io.tributary.producer.replication;

import java.time.Duration;

/**
 * The clocks of the slot's lock, all derived from {@code tributary.postgres.takeover-timeout} (T): how soon
 * PostgreSQL ends the session of a producer whose node went silent, and how often and how patiently the active
 * producer checks it still holds the lock.
 *
 * <p><b>Invariant: {@code checkInterval + checkTimeout < T}.</b> The server releases a silent node's lock only
 * after T (keepalives idle for T/2, then probes every T/10; {@code tcp_user_timeout} T), and a producer that cannot
 * confirm its lock within {@code checkInterval + checkTimeout} (T/5 + T/5) stops streaming: so the old owner has
 * stopped publishing before a standby can take the lock.
 *
 * @param takeoverTimeout T
 * @param checkInterval   how often the active producer confirms its lock: T/5
 * @param checkTimeout    how long a confirmation may take before the lock counts as lost: T/5, at least 1 s
 */
public record LockTimings(Duration takeoverTimeout, Duration checkInterval, Duration checkTimeout) {

    /** The shortest takeover-timeout: keepalive settings are whole seconds, and the check needs one. */
    public static final Duration MINIMUM = Duration.ofSeconds(3);

    public LockTimings {
        if (checkInterval.plus(checkTimeout).compareTo(takeoverTimeout) >= 0) {
            throw new IllegalArgumentException("the lock check (" + checkInterval + " + " + checkTimeout
                    + ") must end before the server releases the lock (" + takeoverTimeout + ")");
        }
    }

    static LockTimings of(Duration takeoverTimeout) {
        if (takeoverTimeout.compareTo(MINIMUM) < 0) {
            throw new IllegalArgumentException("takeover-timeout must be at least " + MINIMUM + ", got "
                    + takeoverTimeout);
        }
        Duration fifth = takeoverTimeout.dividedBy(5);
        return new LockTimings(takeoverTimeout, fifth, fifth.compareTo(Duration.ofSeconds(1)) < 0
                ? Duration.ofSeconds(1) : fifth);
    }

    /** {@link java.sql.Connection#isValid}'s timeout: whole seconds. */
    int checkTimeoutSeconds() {
        return (int) Math.max(1, checkTimeout.toSeconds());
    }

    /**
     * Server settings of the lock's session (PostgreSQL's {@code options}): keepalives after T/2 of silence, a probe
     * every T/10 (at least 1 s), and {@code tcp_user_timeout} T, so the server ends the session of a node that went
     * silent about T later. (They do nothing on a Unix-domain socket, where a vanished node cannot happen.)
     */
    String serverSessionOptions() {
        long seconds = takeoverTimeout.toSeconds();
        long idle = Math.max(1, seconds / 2);
        long interval = Math.max(1, seconds / 10);
        long count = Math.max(1, (seconds - idle) / interval);
        return "-c tcp_keepalives_idle=" + idle + " -c tcp_keepalives_interval=" + interval
                + " -c tcp_keepalives_count=" + count + " -c tcp_user_timeout=" + takeoverTimeout.toMillis();
    }
}
