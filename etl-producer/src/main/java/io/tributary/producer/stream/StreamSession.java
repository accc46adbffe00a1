package io.tributary.producer.stream;

import java.sql.SQLException;

/** One stream session as {@link StreamLoop} drives it: {@link ChangeStreamer}, or a fake in unit tests. */
interface StreamSession {

    /** Handles at most one message; waits briefly when there is none. */
    void runOnce() throws SQLException, InterruptedException;

    /** Graceful stop: Kafka acknowledges what was sent, then the final flushed position is reported. */
    void drainAndReportFinalPosition() throws SQLException;

    /** Stops publishing at once (unsent events are failed), for a session whose producer lost the slot's lock. */
    void abandon();

    /** Closes the connection and the Kafka producer, letting it send what it holds. */
    void close();
}
