package io.tributary.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.model.TableId;
import io.tributary.shaping.TableColumn;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TableShapeTest {

    private static final TableId ITEMS = new TableId("shop", "items");

    @Test
    void replicaIdentityFullWithAPrimaryKeyIsVerifiedByThePrimaryKey() {
        TableShape shape = new TableShape(ITEMS, 1, 'f', List.of(new TableColumn("id", 23, -1, true),
                new TableColumn("label", 25, -1, false)));

        assertEquals(Optional.empty(), shape.unverifiableBecause());
        assertEquals(List.of("id"), shape.keyColumns().stream().map(TableColumn::name).toList());
    }

    @Test
    void replicaIdentityFullWithoutAPrimaryKeyIsSkippedSayingWhy() {
        TableShape shape = new TableShape(ITEMS, 1, 'f', List.of(new TableColumn("at", 23, -1, true),
                new TableColumn("label", 25, -1, true)));

        assertTrue(shape.unverifiableBecause().orElseThrow().startsWith("REPLICA IDENTITY FULL without a primary key"),
                shape.unverifiableBecause().toString());
    }
}
