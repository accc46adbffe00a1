package io.tributary.producer.snapshot;

import io.tributary.model.ChangeRecordEncoder;
import io.tributary.model.Envelope;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.model.TableId;
import io.tributary.producer.decoding.RelationShape;
import io.tributary.producer.decoding.RowChange;
import io.tributary.producer.decoding.TupleData;
import io.tributary.producer.decoding.UndecodableMessageException;
import io.tributary.producer.publish.KafkaPublisher.EncodedEvent;
import io.tributary.shaping.ValueConverter;
import java.util.List;

/**
 * Encodes a snapshot row (each column's text, or null) into the Kafka record key and value of its {@code op = r}
 * event, as the stream encodes its changes: the table's {@link RelationShape} converts and writes each value straight
 * into the bytes ({@link RowChange#read}), so a snapshot row is written exactly as a streamed insert of it would be,
 * without a tree. {@link ReadEvents} builds the same event as a tree, for incremental snapshots, whose chunks are
 * compared with streamed changes.
 *
 * <p>Not thread-safe: each encoding thread uses its own ({@link #copy}).
 */
final class ReadEventEncoder {

    private final SnapshotTable table;
    private final RelationShape shape;
    private final SourceInfo source;
    private final int columns;
    private final Envelope envelope;
    private final ChangeRecordEncoder encoder;

    /** Events in Tributary's envelope. */
    ReadEventEncoder(SnapshotTable table, ValueConverter converter, SnapshotPoint point) {
        this(table, converter, point, Envelope.TRIBUTARY);
    }

    /** @param envelope the shape events are written in, as the stream's */
    ReadEventEncoder(SnapshotTable table, ValueConverter converter, SnapshotPoint point, Envelope envelope) {
        this(table, new RelationShape(table.relation(), converter), new SourceInfo(point.database(),
                table.table().schema(), table.table().table(), point.version(), point.commitLsn(), 0,
                point.startedAt()), envelope);
    }

    private ReadEventEncoder(SnapshotTable table, RelationShape shape, SourceInfo source, Envelope envelope) {
        this.envelope = envelope;
        this.encoder = new ChangeRecordEncoder(envelope);
        this.table = table;
        this.shape = shape;
        this.source = source;
        this.columns = table.relation().columns().size();
    }

    TableId table() {
        return table.table();
    }

    /** A new encoder of the same table and point, for another thread. */
    ReadEventEncoder copy() {
        return new ReadEventEncoder(table, shape, source, envelope);
    }

    /**
     * About what {@code rows} take in memory, as text and once encoded ({@link ChunkBudget}): each value's characters,
     * a little per value, and the bytes every event of the table repeats (operation, source, type names).
     */
    long estimatedBytes(List<String[]> rows) {
        long constant = 2L * shape.typesJson().charLength() + 400;
        long bytes = 0;
        for (String[] row : rows) {
            bytes += constant;
            for (String value : row) {
                bytes += value == null ? 8 : 48 + value.length();
            }
        }
        return bytes;
    }

    /**
     * @param values the relation's columns' values in order, text or null (further values are ignored)
     * @throws IllegalStateException naming the table and column when a value does not fit its type, or when the
     *                               table has no key columns
     */
    EncodedEvent encode(String[] values) {
        if (!table.hasKeyColumns()) { // refused at the first row, as the stream does: an empty table is fine
            throw new IllegalStateException("table " + table.table() + " has no primary key and no replica identity"
                    + " columns, so its rows cannot be keyed: add a primary key, ALTER TABLE " + table.table()
                    + " REPLICA IDENTITY FULL (or USING INDEX), or set tributary.postgres.replica-identity = full");
        }
        TupleData row = TupleData.ofTexts(values, columns);
        Lsn version = source.lsn();
        try {
            ChangeRecordEncoder.Encoded encoded = encoder.encode(
                    RowChange.read(source, shape.key(row, null, version), shape, row));
            return new EncodedEvent(table.table(), Operation.READ, version, encoded.key(), encoded.value(),
                    encoded.routingKey(), encoded.headers());
        } catch (UndecodableMessageException e) {
            throw new IllegalStateException("snapshot of " + table.table() + ": " + e.problem(), e);
        }
    }
}
