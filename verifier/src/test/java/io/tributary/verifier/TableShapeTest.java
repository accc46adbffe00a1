package io.tributary.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.model.TableId;
import io.tributary.producer.decoding.ReplicationMessage.Column;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TableShapeTest {

    private static final TableId ITEMS = new TableId("shop", "items");

    @Test
    void replicaIdentityFullWithAPrimaryKeyIsVerifiedByThePrimaryKey() {
        TableShape shape = new TableShape(ITEMS, 1, 'f', List.of(new Column(true, "id", 23, -1),
                new Column(false, "label", 25, -1)));

        assertEquals(Optional.empty(), shape.unverifiableBecause());
        assertEquals(List.of("id"), shape.keyColumns().stream().map(Column::name).toList());
    }

    @Test
    void replicaIdentityFullWithoutAPrimaryKeyIsSkippedSayingWhy() {
        TableShape shape = new TableShape(ITEMS, 1, 'f', List.of(new Column(true, "at", 23, -1),
                new Column(true, "label", 25, -1)));

        assertTrue(shape.unverifiableBecause().orElseThrow().startsWith("REPLICA IDENTITY FULL without a primary key"),
                shape.unverifiableBecause().toString());
    }
}
