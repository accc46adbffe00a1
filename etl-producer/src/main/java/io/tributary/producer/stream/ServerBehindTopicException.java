package io.tributary.producer.stream;

/**
 * The topic holds events of this database at LSNs above the server's current WAL position (or this process received
 * WAL beyond it before reconnecting): the database went back in time (a point-in-time restore, a restore from a
 * backup or a dump, a failover that lost WAL) or is another server. Every change streamed now would carry a lower
 * LSN than the documents it replaces and be refused as stale.
 * Fatal: the message names both positions and what to do.
 */
public final class ServerBehindTopicException extends RuntimeException {

    ServerBehindTopicException(String message) {
        super(message);
    }
}
