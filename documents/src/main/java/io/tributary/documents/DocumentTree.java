package io.tributary.documents;

import io.tributary.model.TableId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A document type checked against the database ({@link DocumentChecks}): each table's catalog shape is attached to
 * the configuration, so building a document ({@link DocumentBuilder}) and finding the documents a change affects
 * ({@link AffectedRoots}) need no more catalog queries. Immutable.
 *
 * @param name the index or alias the documents are searched by
 * @param root the root table's node: the document itself
 */
public record DocumentTree(String name, Node root) {

    /**
     * One table of the document. The root's node has no field, no {@code on} and no link.
     *
     * @param field    the field the rows are embedded under in the enclosing row's object; "" for the root
     * @param where    the configuration path, for messages ({@code orders.join.items})
     * @param on       pairs of (enclosing column, this table's column) of a direct join
     * @param through  the link table of a many-to-many join
     * @param orderBy  the columns an array is ordered by: the configured ones, then the key
     * @param children the joins nested in this one
     */
    public record Node(String field, String where, CatalogTable table, ColumnSelection columns, List<ColumnPair> on,
                       Optional<Link> through, boolean many, List<String> orderBy, List<Node> children) {

        public Node {
            on = List.copyOf(on);
            orderBy = List.copyOf(orderBy);
            children = List.copyOf(children);
        }

        /** The enclosing table's columns this join matches on. */
        public List<String> outerColumns() {
            return through.map(link -> link.on().stream().map(ColumnPair::outer).toList())
                    .orElseGet(() -> on.stream().map(ColumnPair::outer).toList());
        }

        public boolean isRoot() {
            return field.isEmpty();
        }
    }

    /**
     * The link table of a many-to-many join.
     *
     * @param on pairs of (enclosing column, link column)
     * @param to pairs of (link column, joined column)
     */
    public record Link(CatalogTable table, List<ColumnPair> on, List<ColumnPair> to) {

        public Link {
            on = List.copyOf(on);
            to = List.copyOf(to);
        }
    }

    /** How a table takes part in a document at one place of its tree. */
    public enum Role { ROOT, JOINED, LINK }

    /**
     * One place a table takes part in the document.
     *
     * @param path the nodes from the root to the one the table is (or links to), root first
     */
    public record Occurrence(Role role, List<Node> path) {

        public Node node() {
            return path.get(path.size() - 1);
        }
    }

    /** Every table whose changes can change a document. */
    public Set<TableId> tables() {
        Set<TableId> tables = new LinkedHashSet<>();
        forEach(root, List.of(), (node, path) -> {
            node.through().ifPresent(link -> tables.add(link.table().table()));
            tables.add(node.table().table());
        });
        return tables;
    }

    /** Every place {@code table} takes part in the document; empty when it takes none. */
    public List<Occurrence> occurrencesOf(TableId table) {
        List<Occurrence> found = new ArrayList<>();
        forEach(root, List.of(), (node, path) -> {
            if (node.through().isPresent() && node.through().get().table().table().equals(table)) {
                found.add(new Occurrence(Role.LINK, path));
            }
            if (node.table().table().equals(table)) {
                found.add(new Occurrence(node.isRoot() ? Role.ROOT : Role.JOINED, path));
            }
        });
        return found;
    }

    /**
     * The columns of {@code table} that tell which documents one of its rows is in: the key of the root, the joined
     * columns of a joined or link table. A change moves a row between documents only by changing one of them.
     */
    public Set<String> joinColumnsOf(TableId table) {
        Set<String> columns = new LinkedHashSet<>();
        for (Occurrence occurrence : occurrencesOf(table)) {
            Node node = occurrence.node();
            switch (occurrence.role()) {
                case ROOT -> columns.addAll(node.table().key());
                case LINK -> node.through().orElseThrow().on().forEach(pair -> columns.add(pair.inner()));
                case JOINED -> {
                    node.on().forEach(pair -> columns.add(pair.inner()));
                    node.through().ifPresent(link -> link.to().forEach(pair -> columns.add(pair.inner())));
                }
            }
        }
        return columns;
    }

    private interface Visitor {
        void visit(Node node, List<Node> path);
    }

    private static void forEach(Node node, List<Node> above, Visitor visitor) {
        List<Node> path = new ArrayList<>(above);
        path.add(node);
        List<Node> fixed = List.copyOf(path);
        visitor.visit(node, fixed);
        for (Node child : node.children()) {
            forEach(child, fixed, visitor);
        }
    }
}
