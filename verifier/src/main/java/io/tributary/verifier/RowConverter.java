package io.tributary.verifier;

import io.tributary.model.ChangeEvent;
import io.tributary.model.Lsn;
import io.tributary.producer.decoding.ChangeAssembler;
import io.tributary.producer.decoding.ReplicationMessage.Begin;
import io.tributary.producer.decoding.ReplicationMessage.Insert;
import io.tributary.producer.decoding.ReplicationMessage.Relation;
import io.tributary.producer.decoding.TupleData;
import io.tributary.shaping.ValueConverter;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a row read from PostgreSQL into the change event the producer would make of it, by handing the producer's
 * own {@link ChangeAssembler} what pgoutput would send: the table's Relation, then the row as an insert. The event
 * therefore has the producer's values (its {@link ValueConverter}, type catalog and numeric mode), its key (from the
 * Relation's key flags, in column order) and its {@code types}. Not thread-safe: one converter per table.
 */
final class RowConverter {

    private static final String ASSEMBLER_PREFIX = "cannot decode the pgoutput message at " + Lsn.INVALID + ": ";

    private final ChangeAssembler assembler;
    private final Relation relation;

    /**
     * @param database the database name the producer puts in every event's source
     * @param relation the table as pgoutput describes it ({@link TableShape#relation()}, or
     *                 {@link TableShape#keyRelation()} to convert keys alone)
     */
    RowConverter(String database, ValueConverter values, Relation relation) {
        this.assembler = new ChangeAssembler(database, values);
        this.relation = relation;
        assembler.accept(new Begin(Lsn.INVALID, null, 0), Lsn.INVALID);
        assembler.accept(relation, Lsn.INVALID);
    }

    /**
     * The producer's insert event of the row: {@code after}, {@code key} and {@code types} as it would send them
     * (its source's LSN is meaningless: 0/0).
     *
     * @param values the row's values in PostgreSQL's text output form, null for SQL NULL, in column order
     * @throws VerificationFailedException naming the table and the value the producer could not convert either
     */
    ChangeEvent convert(List<String> values) {
        List<TupleData.Value> tuple = new ArrayList<>(values.size());
        for (String value : values) {
            tuple.add(value == null ? new TupleData.Null() : new TupleData.Text(value));
        }
        try {
            return assembler.acceptAsEvents(new Insert(relation.relationId(), new TupleData(tuple)), Lsn.INVALID).get(0);
        } catch (RuntimeException e) {
            String problem = e.getMessage() != null && e.getMessage().startsWith(ASSEMBLER_PREFIX)
                    ? e.getMessage().substring(ASSEMBLER_PREFIX.length()) : String.valueOf(e.getMessage());
            throw new VerificationFailedException("a row of " + relation.namespace() + "." + relation.name()
                    + " cannot be converted as the producer converts it: " + problem, e);
        }
    }
}
