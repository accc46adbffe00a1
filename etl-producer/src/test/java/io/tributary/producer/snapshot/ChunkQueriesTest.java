package io.tributary.producer.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.model.TableId;
import io.tributary.producer.decoding.ReplicationMessage.Column;
import io.tributary.producer.decoding.ReplicationMessage.Relation;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkQueriesTest {

    private static final TableId ORDER_LINES = TableId.parse("sales.order_lines");

    private static SnapshotTable table(List<Column> columns, List<PagingColumn> paging) {
        return new SnapshotTable(ORDER_LINES, new Relation(1, "sales", "order_lines", 'd', columns), paging, 100);
    }

    private static final List<Column> COLUMNS = List.of(new Column(true, "order_id", 20, -1),
            new Column(true, "line", 23, -1), new Column(false, "note", 25, -1));

    private static final List<PagingColumn> COMPOSITE_KEY = List.of(new PagingColumn("order_id", "bigint"),
            new PagingColumn("line", "integer"));

    @Test
    void firstChunkReadsFromTheStartInKeyOrder() {
        assertEquals("SELECT \"order_id\", \"line\", \"note\" FROM ONLY \"sales\".\"order_lines\""
                        + " ORDER BY \"order_id\", \"line\" LIMIT 7",
                ChunkQueries.firstChunk(table(COLUMNS, COMPOSITE_KEY), 7));
    }

    @Test
    void nextChunkStartsAfterTheLastKeyByRowComparisonCastToEachColumnsType() {
        assertEquals("SELECT \"order_id\", \"line\", \"note\" FROM ONLY \"sales\".\"order_lines\""
                        + " WHERE (\"order_id\", \"line\") > (CAST(? AS bigint), CAST(? AS integer))"
                        + " ORDER BY \"order_id\", \"line\" LIMIT 7",
                ChunkQueries.chunkAfter(table(COLUMNS, COMPOSITE_KEY), 7));
    }

    @Test
    void typeModifiersAndQuotesInNamesAreKept() {
        List<Column> columns = List.of(new Column(true, "Co\"de", 1042, 9), new Column(false, "n", 23, -1));
        SnapshotTable table = table(columns, List.of(new PagingColumn("Co\"de", "character(5)")));

        assertEquals("SELECT \"Co\"\"de\", \"n\" FROM ONLY \"sales\".\"order_lines\""
                        + " WHERE (\"Co\"\"de\") > (CAST(? AS character(5))) ORDER BY \"Co\"\"de\" LIMIT 10000",
                ChunkQueries.chunkAfter(table, 10_000));
    }

    @Test
    void aPagingColumnLeftOutOfTheRelationIsStillSelectedLast() {
        List<Column> columns = List.of(new Column(false, "note", 25, -1));
        SnapshotTable table = table(columns, List.of(new PagingColumn("generated_id", "bigint")));

        assertEquals(List.of("note", "generated_id"), table.selectedColumns());
        assertEquals("SELECT \"note\", \"generated_id\" FROM ONLY \"sales\".\"order_lines\" ORDER BY"
                + " \"generated_id\" LIMIT 3", ChunkQueries.firstChunk(table, 3));
    }

    @Test
    void tableWithoutUniqueKeyIsReadWholeAndCannotBePaged() {
        SnapshotTable unkeyed = table(COLUMNS, List.of());

        assertEquals("SELECT \"order_id\", \"line\", \"note\" FROM ONLY \"sales\".\"order_lines\"",
                ChunkQueries.wholeTable(unkeyed));
        assertThrows(IllegalArgumentException.class, () -> ChunkQueries.chunkAfter(unkeyed, 7));
    }
}
