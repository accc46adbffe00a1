package io.tributary.producer.replication;

import java.sql.SQLException;

/**
 * Sorts database errors at the edge: a lost connection or a server that is restarting is retried with backoff;
 * anything else (authentication, privileges, a missing object, a bug) is fatal and stops the producer.
 */
public final class ReplicationErrors {

    private ReplicationErrors() {
    }

    /** True for errors a reconnect can cure. */
    public static boolean isRetriable(SQLException error) {
        String state = error.getSQLState();
        if (state == null) {
            return true; // pgjdbc's I/O failures without a server answer
        }
        return state.startsWith("08") // connection exception
                || state.equals("57P01") // admin_shutdown
                || state.equals("57P02") // crash_shutdown
                || state.equals("57P03") // cannot_connect_now (starting up, recovering)
                || state.equals("53300") // too_many_connections
                || state.equals("55006"); // object_in_use: the slot is still held by a walsender that is ending
    }
}
