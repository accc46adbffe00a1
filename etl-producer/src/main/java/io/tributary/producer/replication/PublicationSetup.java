package io.tributary.producer.replication;

import io.tributary.model.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the publication for exactly the streamed tables, or sets its table list when it covers others. */
public final class PublicationSetup {

    private static final Logger LOG = LoggerFactory.getLogger(PublicationSetup.class);

    private PublicationSetup() {
    }

    public static void ensurePublication(Connection connection, String publication, List<TableId> tables)
            throws SQLException {
        String tableList = tables.stream().map(Identifiers::qualified).collect(Collectors.joining(", "));
        Set<String> wanted = tables.stream().map(TableId::toString).collect(Collectors.toCollection(TreeSet::new));
        Set<String> published = publishedTables(connection, publication);
        try (Statement statement = connection.createStatement()) {
            if (published == null) {
                statement.execute("CREATE PUBLICATION " + Identifiers.quote(publication) + " FOR TABLE " + tableList);
                LOG.info("created publication {} for {}", publication, tables);
            } else if (!published.equals(wanted)) {
                statement.execute("ALTER PUBLICATION " + Identifiers.quote(publication) + " SET TABLE " + tableList);
                LOG.info("publication {} covered {}; now set to {}", publication, published, wanted);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create or alter publication " + publication + " ("
                    + e.getMessage() + "); the role needs CREATE on the database and ownership of the tables,"
                    + " or create the publication yourself: CREATE PUBLICATION " + publication + " FOR TABLE "
                    + tableList, e);
        }
    }

    /** The tables a publication covers, or null when it does not exist. */
    private static Set<String> publishedTables(Connection connection, String publication) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            exists.setString(1, publication);
            try (ResultSet result = exists.executeQuery()) {
                if (!result.next()) {
                    return null;
                }
            }
        }
        Set<String> tables = new TreeSet<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?")) {
            query.setString(1, publication);
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    tables.add(result.getString(1) + "." + result.getString(2));
                }
            }
        }
        return tables;
    }
}
