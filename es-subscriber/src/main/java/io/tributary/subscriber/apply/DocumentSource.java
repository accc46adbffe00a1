package io.tributary.subscriber.apply;

import io.tributary.config.InvalidConfigException;
import io.tributary.config.PostgresTls;
import io.tributary.documents.CatalogTable;
import io.tributary.documents.DocumentBuilder;
import io.tributary.documents.DocumentChecks;
import io.tributary.documents.DocumentSettings;
import io.tributary.documents.DocumentSpec;
import io.tributary.documents.DocumentTree;
import io.tributary.documents.SourceCatalog;
import io.tributary.documents.SourceSession;
import io.tributary.index.mapping.TableMappings;
import io.tributary.model.TableId;
import io.tributary.shaping.PgType;
import io.tributary.shaping.PgTypes;
import io.tributary.shaping.TypeCatalog;
import io.tributary.shaping.ValueConverter;
import io.tributary.shaping.source.PostgresEndpoint;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database joined documents are read from, and what was checked against it at startup: each configured document
 * type as a {@link DocumentTree} with its {@link DocumentBuilder}, and the value conversion they share (with the
 * database's type catalog). Opens a {@link SourceSession} per user (the consumer thread, the full-build thread).
 * Immutable after {@link #check}; thread-safe.
 */
final class DocumentSource {

    private static final Logger LOG = LoggerFactory.getLogger(DocumentSource.class);

    private final DocumentSettings settings;
    private final Map<DocumentSpec, DocumentBuilder> builders;

    private DocumentSource(DocumentSettings settings, Map<DocumentSpec, DocumentBuilder> builders) {
        this.settings = settings;
        this.builders = builders;
    }

    /**
     * Connects, loads the type catalog and checks every document type against the catalog and the per-table
     * mappings (a table's join columns must be kept in its own index, where old states are read from).
     *
     * @throws InvalidConfigException naming the document, join and column at fault
     * @throws IllegalStateException when the database cannot be reached
     */
    static DocumentSource check(DocumentSettings settings, TableMappings tables) {
        PostgresEndpoint source = settings.source().orElseThrow();
        try (SourceSession session = open(settings)) {
            var connection = session.connection();
            PgTypes types = PgTypes.fromCatalog(TypeCatalog.query(connection), () -> reloadTypes(settings));
            ValueConverter values = new ValueConverter(types, settings.numericMode());
            Optional<Set<TableId>> published = settings.publication().isEmpty() ? Optional.empty()
                    : SourceCatalog.publicationTables(connection, settings.publication());
            if (!settings.publication().isEmpty() && published.isEmpty()) {
                LOG.warn("publication '{}' (tributary.postgres.publication) does not exist in {} yet: the tables of"
                        + " documents {} cannot be checked against it (the producer creates it when it starts; set"
                        + " \"\" for test_decoding)", settings.publication(), source,
                        settings.documents().stream().map(DocumentSpec::name).toList());
            }
            Map<TableId, Optional<CatalogTable>> catalog = new LinkedHashMap<>();
            DocumentChecks checks = new DocumentChecks(table -> catalog.computeIfAbsent(table, t -> {
                try {
                    return SourceCatalog.table(connection, t);
                } catch (SQLException e) {
                    throw new IllegalStateException("reading the catalog of table " + t + " from " + source
                            + " failed: " + e.getMessage(), e);
                }
            }), settings.publication(), published);
            Map<DocumentSpec, DocumentBuilder> builders = new LinkedHashMap<>();
            for (DocumentSpec spec : settings.documents()) {
                DocumentTree tree = checks.check(spec);
                requireJoinColumnsKept(tree, tables);
                builders.put(spec, new DocumentBuilder(tree, values));
            }
            return new DocumentSource(settings, builders);
        } catch (SQLException e) {
            Optional<String> tls = PostgresTls.describeFailure(e, source.url());
            if (tls.isPresent()) {
                throw new IllegalStateException(tls.get() + " (tributary.postgres, where joined documents are read"
                        + " from)", e);
            }
            throw new IllegalStateException("PostgreSQL at " + source + " (tributary.postgres, where joined documents"
                    + " are read from) cannot be read: " + e.getMessage() + "; check tributary.postgres.url, user"
                    + " and password", e);
        }
    }

    /** @throws InvalidConfigException naming the document, column and table when {@code tables} drops a join column */
    static void requireJoinColumnsKept(DocumentTree tree, TableMappings tables) {
        for (TableId table : tree.tables()) {
            for (String column : tree.joinColumnsOf(table)) {
                if (tables.forTable(table).fieldOf(column).isEmpty()) {
                    throw new InvalidConfigException("tributary.documents." + tree.name() + " joins on column '"
                            + column + "' of " + table + ", which tributary.tables drops from the table's own index;"
                            + " keep it there: a row's previous join values are read from that index when PostgreSQL"
                            + " sends only the new row");
                }
            }
        }
    }

    private static List<PgType> reloadTypes(DocumentSettings settings) {
        try (SourceSession session = open(settings)) {
            return TypeCatalog.query(session.connection());
        } catch (SQLException e) {
            throw new IllegalStateException("reloading the type catalog from " + settings.source().orElseThrow()
                    + " failed: " + e.getMessage(), e);
        }
    }

    static SourceSession open(DocumentSettings settings) throws SQLException {
        PostgresEndpoint source = settings.source().orElseThrow();
        return SourceSession.open(source.url(), source.user(), source.password().reveal(), source.tls(),
                "tributary-documents");
    }

    SourceSession openSession() throws SQLException {
        return open(settings);
    }

    DocumentSettings settings() {
        return settings;
    }

    /** The document types, in configuration order, with their builders. */
    Map<DocumentSpec, DocumentBuilder> builders() {
        return builders;
    }

    List<DocumentTree> trees() {
        List<DocumentTree> trees = new ArrayList<>();
        builders.values().forEach(builder -> trees.add(builder.tree()));
        return trees;
    }

    String describe() {
        return settings.source().orElseThrow().toString();
    }
}
