package io.tributary.subscriber.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a rebuild PostgreSQL refused is sorted: passing conditions are retried, a database that moved on stops. */
class DocumentWorkTest {

    private static ApplyFailedException refused(String message, String sqlState) {
        return DocumentWork.rebuildFailed(List.of("orders"), "jdbc:postgresql://db:5432/shop as reader",
                new SQLException(message, sqlState));
    }

    @Test
    void aJoinColumnOrTableThatNoLongerExistsStopsTheSubscriberInsteadOfRetryingForEver() {
        ApplyFailedException dropped = refused("ERROR: column j1.order_id does not exist", "42703");

        assertFalse(dropped.retriable());
        assertEquals("rebuilding documents [orders] from PostgreSQL at jdbc:postgresql://db:5432/shop as reader"
                + " failed: ERROR: column j1.order_id does not exist (SQLSTATE 42703); the database no longer matches"
                + " tributary.documents (a column or table dropped or renamed, a privilege revoked): change the"
                + " database or the configuration, then restart the subscriber", dropped.getMessage());
        assertFalse(refused("ERROR: relation \"shop.order_items\" does not exist", "42P01").retriable());
        assertFalse(refused("ERROR: permission denied for table order_items", "42501").retriable());
        assertFalse(refused("FATAL: password authentication failed for user \"reader\"", "28P01").retriable());
    }

    @Test
    void whatPassesByItselfIsRetried() {
        assertTrue(refused("An I/O error occurred while sending to the backend.", "08006").retriable());
        assertTrue(refused("FATAL: terminating connection due to administrator command", "57P01").retriable());
        assertTrue(refused("ERROR: could not serialize access", "40001").retriable());
        assertTrue(refused("no SQLSTATE", null).retriable());
        assertFalse(refused("ERROR: canceling statement due to statement timeout", "57014").getMessage()
                .contains("no longer matches"));
    }
}
