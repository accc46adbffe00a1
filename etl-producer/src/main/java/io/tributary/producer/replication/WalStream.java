package io.tributary.producer.replication;

import io.tributary.model.Lsn;
import io.tributary.shaping.source.PostgresEndpoint;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;

/**
 * The open stream of one logical slot (pgoutput or test_decoding, see {@link OutputPlugin}): messages in, flushed
 * positions out.
 *
 * <p>What is reported as flushed (and applied) is exactly what the caller passes to {@link #reportFlushed}: nothing
 * else advances it. In particular pgjdbc's "automatic flush" is switched off: it moves the flushed position to the
 * server's WAL end on a keepalive whenever the last message's LSN is not past the last flushed one, which is true
 * in the middle of a long transaction whose changes began before an already flushed one committed, and would
 * confirm changes Kafka does not hold yet. pgjdbc sends the status at the status interval and whenever the server
 * asks for it. Not thread-safe: owned by the replication thread.
 */
public final class WalStream implements AutoCloseable {

    private final Connection connection;
    private final PGReplicationStream stream;

    private WalStream(Connection connection, PGReplicationStream stream) {
        this.connection = connection;
        this.stream = stream;
    }

    /**
     * Starts streaming the slot with the plugin's options. The server resumes after the slot's confirmed flush
     * position.
     *
     * @param plugin         the slot's output plugin
     * @param publication    the publication pgoutput streams; test_decoding ignores it
     * @param statusInterval how often the flushed position is sent to the server
     * @param server         the server's version (which plugin options it knows)
     */
    public static WalStream open(PostgresEndpoint endpoint, String slot, OutputPlugin plugin, String publication,
                                 Duration statusInterval, ServerVersion server) throws SQLException {
        Connection connection = endpoint.openReplicationConnection();
        try {
            ChainedLogicalStreamBuilder builder = connection.unwrap(PGConnection.class).getReplicationAPI()
                    .replicationStream().logical()
                    .withSlotName(slot)
                    .withStartPosition(LogSequenceNumber.INVALID_LSN);
            for (Map.Entry<String, String> option : server.slotOptions(plugin, publication).entrySet()) {
                builder = builder.withSlotOption(option.getKey(), option.getValue());
            }
            PGReplicationStream stream = builder
                    .withStatusInterval((int) statusInterval.toMillis(), TimeUnit.MILLISECONDS)
                    .withAutomaticFlush(false)
                    .start();
            return new WalStream(connection, stream);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** The next message, or null when none has arrived; also answers the server's keepalives. */
    public ByteBuffer readPending() throws SQLException {
        return stream.readPending();
    }

    /**
     * The WAL position of the last message, or the server's position from a later keepalive: when no data is
     * pending, every transaction that committed before it has been sent.
     */
    public Lsn lastReceivedLsn() {
        return Lsn.of(stream.getLastReceiveLSN().asLong());
    }

    /** Tells the server (at the next status update) that everything up to {@code lsn} is safely downstream. */
    public void reportFlushed(Lsn lsn) {
        LogSequenceNumber position = LogSequenceNumber.valueOf(lsn.value());
        stream.setFlushedLSN(position);
        stream.setAppliedLSN(position);
    }

    /** Sends the status update now rather than at the next interval. */
    public void sendStatusNow() throws SQLException {
        stream.forceUpdateStatus();
    }

    @Override
    public void close() throws SQLException {
        try {
            stream.close();
        } finally {
            connection.close();
        }
    }
}
