package io.tributary.documents;

import io.tributary.config.InvalidConfigException;
import io.tributary.model.TableId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks a configured document type against the database's catalog and resolves it into a {@link DocumentTree}.
 * Refuses, with a message that names the document, the join and the column: a table or column that does not exist;
 * a table without a key; an {@code on} pair whose two columns have different types; a join that embeds one row
 * ({@code many = false}) on columns that do not make a unique key of the joined table; a table that joins back to
 * itself or an enclosing table (a cycle); a join field that is also a kept column; a table that the producer's
 * publication does not publish (its changes would never arrive). Stateless.
 */
public final class DocumentChecks {

    private final Function<TableId, Optional<CatalogTable>> catalog;
    private final Optional<Set<TableId>> published;
    private final String publication;

    /**
     * @param catalog     the shape of a table, empty when it does not exist
     * @param publication the producer's publication, for messages
     * @param published   the tables it publishes; empty to skip that check (test_decoding, or a publication this
     *                    user may not read)
     */
    public DocumentChecks(Function<TableId, Optional<CatalogTable>> catalog, String publication,
                          Optional<Set<TableId>> published) {
        this.catalog = catalog;
        this.publication = publication;
        this.published = published;
    }

    /** @throws InvalidConfigException naming the document, the join and what is wrong */
    public DocumentTree check(DocumentSpec spec) {
        String where = spec.name();
        CatalogTable root = table(where + ".root", spec.root());
        requireKey(where + ".root", root);
        requireColumns(where, root, spec.columns().namedColumns(), "columns, exclude or rename");
        Set<TableId> ancestors = new LinkedHashSet<>(List.of(spec.root()));
        List<DocumentTree.Node> children = joins(where, root, spec.columns(), spec.joins(), ancestors);
        DocumentTree.Node rootNode = new DocumentTree.Node("", where, root, spec.columns(), List.of(),
                Optional.empty(), false, root.key(), children);
        return new DocumentTree(spec.name(), rootNode);
    }

    private List<DocumentTree.Node> joins(String where, CatalogTable outer, ColumnSelection outerColumns,
                                          List<JoinSpec> joins, Set<TableId> ancestors) {
        List<DocumentTree.Node> nodes = new ArrayList<>();
        for (JoinSpec join : joins) {
            String joinWhere = where + ".join." + join.field();
            outer.columns().stream().map(CatalogTable.Column::name).map(outerColumns::fieldOf)
                    .flatMap(Optional::stream).filter(join.field()::equals).findFirst().ifPresent(field -> {
                        throw invalid(joinWhere, "embeds its rows under '" + field + "', which is also a column of "
                                + outer.table() + " kept in the document; rename the join or the column");
                    });
            CatalogTable joined = table(joinWhere + ".table", join.table());
            requireKey(joinWhere + ".table", joined);
            if (ancestors.contains(join.table())) {
                throw invalid(joinWhere, "joins " + join.table() + ", which encloses it already (" + String.join(
                        " > ", ancestors.stream().map(TableId::toString).toList()) + "): a cycle; a document"
                        + " embeds each table once on any path");
            }
            Optional<DocumentTree.Link> link = Optional.empty();
            if (join.through().isPresent()) {
                JoinSpec.Through through = join.through().get();
                CatalogTable linkTable = table(joinWhere + ".through.table", through.table());
                if (ancestors.contains(through.table()) || through.table().equals(join.table())) {
                    throw invalid(joinWhere + ".through", "links through " + through.table()
                            + ", which takes part on this path already: a cycle");
                }
                pairs(joinWhere + ".through.on", outer, linkTable, through.on());
                pairs(joinWhere + ".through.to", linkTable, joined, through.to());
                link = Optional.of(new DocumentTree.Link(linkTable, through.on(), through.to()));
            } else {
                pairs(joinWhere + ".on", outer, joined, join.on());
                Set<String> matched = new HashSet<>();
                join.on().forEach(pair -> matched.add(pair.inner()));
                if (!join.many() && !joined.isUniqueBy(matched)) {
                    throw invalid(joinWhere, "embeds one row of " + join.table() + " (many = false), but " + matched
                            + " is not a unique key of it, so several rows may match; set many = true for an array,"
                            + " or join on a unique key");
                }
            }
            requireColumns(joinWhere, joined, join.columns().namedColumns(), "columns, exclude or rename");
            requireColumns(joinWhere, joined, new LinkedHashSet<>(join.orderBy()), "order-by");
            List<String> orderBy = new ArrayList<>(join.orderBy());
            joined.key().stream().filter(column -> !orderBy.contains(column)).forEach(orderBy::add);
            Set<TableId> inner = new LinkedHashSet<>(ancestors);
            inner.add(join.table());
            join.through().ifPresent(through -> inner.add(through.table()));
            List<DocumentTree.Node> children = joins(joinWhere, joined, join.columns(), join.joins(), inner);
            nodes.add(new DocumentTree.Node(join.field(), joinWhere, joined, join.columns(), join.on(), link,
                    join.many(), orderBy, children));
        }
        return nodes;
    }

    private CatalogTable table(String where, TableId table) {
        CatalogTable found = catalog.apply(table).orElseThrow(() -> invalid(where, "names table " + table
                + ", which does not exist (or is not a table)"));
        if (published.isPresent() && !published.get().contains(table)) {
            throw invalid(where, "names table " + table + ", which publication '" + publication + "' does not"
                    + " publish, so its changes never reach the topic; add it to the publication (and to"
                    + " tributary.postgres.tables of the producer)");
        }
        return found;
    }

    private static void requireKey(String where, CatalogTable table) {
        if (table.key().isEmpty()) {
            throw invalid(where, "names table " + table.table() + ", which has no primary key (nor a replica"
                    + " identity index): its rows cannot be told apart");
        }
    }

    private static void requireColumns(String where, CatalogTable table, Set<String> columns, String what) {
        for (String column : columns) {
            if (table.column(column).isEmpty()) {
                throw invalid(where, "names column '" + column + "' in " + what + ", which table " + table.table()
                        + " does not have (it has " + table.columns().stream().map(CatalogTable.Column::name).toList()
                        + ")");
            }
        }
    }

    private static void pairs(String where, CatalogTable outer, CatalogTable inner, List<ColumnPair> pairs) {
        for (ColumnPair pair : pairs) {
            String pairWhere = where + "." + pair.outer();
            CatalogTable.Column left = outer.column(pair.outer()).orElseThrow(() -> invalid(pairWhere, "names column '"
                    + pair.outer() + "', which table " + outer.table() + " does not have"));
            CatalogTable.Column right = inner.column(pair.inner()).orElseThrow(() -> invalid(pairWhere,
                    "names column '" + pair.inner() + "', which table " + inner.table() + " does not have"));
            if (left.baseTypeOid() != right.baseTypeOid()) {
                throw invalid(pairWhere, "joins " + outer.table() + "." + left.name() + " (" + left.typeName()
                        + ") to " + inner.table() + "." + right.name() + " (" + right.typeName() + "): the types"
                        + " differ, so values would not compare as PostgreSQL compares them; join columns of one type");
            }
        }
    }

    private static InvalidConfigException invalid(String where, String problem) {
        return new InvalidConfigException(DocumentSpecReader.KEY + "." + where + " " + problem);
    }
}
