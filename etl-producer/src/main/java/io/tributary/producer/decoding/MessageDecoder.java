package io.tributary.producer.decoding;

import io.tributary.model.Lsn;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Turns one message of a logical replication stream, as the output plugin wrote it, into {@link ReplicationMessage}s
 * for {@link ChangeAssembler}. Two plugins, two implementations: {@link PgOutputDecoder} (pgoutput's binary
 * protocol, one message in, one out) and {@link TestDecodingParser} (test_decoding's text lines, which may need a
 * synthesized Relation before the change, or nothing at all for a table that is not streamed).
 *
 * <p>Strict: a message the decoder does not understand throws {@link UndecodableMessageException} with the LSN and
 * the offending byte or text, never a skip.
 */
public interface MessageDecoder {

    /**
     * @param message the message bytes as the plugin wrote them, from the first byte to the end
     * @param lsn     the WAL position the server sent with the message (XLogData), for messages and errors
     * @return the messages it stands for, in stream order; empty when it concerns nothing streamed
     */
    List<ReplicationMessage> decodeMessages(ByteBuffer message, Lsn lsn);
}
