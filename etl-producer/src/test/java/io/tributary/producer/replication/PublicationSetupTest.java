package io.tributary.producer.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.model.TableId;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A role that may not create the publication: the server's refusal is played by a fake connection (the shared test
 * server's roles are superusers), whose catalog knows no publication and whose statements are refused.
 */
class PublicationSetupTest {

    private final List<String> executed = new ArrayList<>();

    private Connection refusingStatements() {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "prepareStatement" -> noPublication();
                    case "createStatement" -> refusing();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private PreparedStatement noPublication() {
        ResultSet empty = (ResultSet) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ResultSet.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "next" -> false;
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "setString", "close" -> null;
                    case "executeQuery" -> empty;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private Statement refusing() {
        return (Statement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Statement.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "execute" -> {
                        executed.add((String) args[0]);
                        throw new SQLException("ERROR: permission denied for database app", "42501");
                    }
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aRoleThatMayNotCreateThePublicationStopsTheStartWithTheStatementToRunInstead() {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> PublicationSetup.ensurePublication(refusingStatements(), "tributary",
                        List.of(TableId.parse("shop.orders"), TableId.parse("shop.order_items"))));

        assertEquals(List.of("CREATE PUBLICATION \"tributary\" FOR TABLE \"shop\".\"orders\", \"shop\".\"order_items\""),
                executed);
        assertEquals("cannot create or alter publication tributary (ERROR: permission denied for database app); the"
                + " role needs CREATE on the database and ownership of the tables, or create the publication yourself:"
                + " CREATE PUBLICATION tributary FOR TABLE \"shop\".\"orders\", \"shop\".\"order_items\"",
                error.getMessage());
    }
}
