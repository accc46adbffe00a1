package io.tributary.producer.decoding;

import io.tributary.model.Lsn;

/**
 * A replication message the decoder does not understand. It is never skipped: a skipped message could misalign
 * everything after it or lose a change. The message names the LSN and the offending byte.
 */
public final class UndecodableMessageException extends RuntimeException {

    private final String problem;

    public UndecodableMessageException(Lsn lsn, String problem) {
        super("cannot decode the pgoutput message at " + lsn + ": " + problem);
        this.problem = problem;
    }

    public UndecodableMessageException(Lsn lsn, String problem, Throwable cause) {
        super("cannot decode the pgoutput message at " + lsn + ": " + problem, cause);
        this.problem = problem;
    }

    /** What is wrong, without the LSN: for a reader of rows that did not come from the stream (a snapshot). */
    public String problem() {
        return problem;
    }
}
