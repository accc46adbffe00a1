package io.tributary.verifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.model.TableId;
import java.util.List;

/**
 * The change events that repair drift through the pipeline, versioned by {@link RepairVersions}. They carry no
 * transaction (xid 0, commit LSN 0/0, no commit time): they are not changes PostgreSQL made. Stateless.
 */
final class RepairEvents {

    private RepairEvents() {
    }

    /**
     * An {@code op = r} event with the row as the producer would send it ({@code after}, {@code key}, {@code types}
     * of {@code converted}) at {@code version}.
     */
    static ChangeEvent read(ChangeEvent converted, long version) {
        return new ChangeEvent(Operation.READ, source(converted.source().database(), converted.tableId(), version),
                converted.key(), null, converted.after(), List.of(), converted.types());
    }

    /**
     * An {@code op = d} event deleting the document of {@code key} at {@code version}.
     *
     * @param before the key, and the routing column when the table routes by one that is not in the key (the
     *               subscriber finds the document by the before-image's routing value)
     */
    static ChangeEvent delete(String database, TableId table, ObjectNode key, ObjectNode before, long version) {
        return new ChangeEvent(Operation.DELETE, source(database, table, version), key, before, null);
    }

    private static SourceInfo source(String database, TableId table, long version) {
        return new SourceInfo(database, table.schema(), table.table(), Lsn.of(version), Lsn.INVALID, 0, null);
    }
}
