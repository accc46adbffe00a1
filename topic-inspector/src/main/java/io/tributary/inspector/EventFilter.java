package io.tributary.inspector;

import io.tributary.config.InvalidUsageException;
import io.tributary.model.ChangeEvent;
import io.tributary.model.Operation;
import io.tributary.model.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which change events {@code tail} shows: an empty set or absent key lets everything through.
 *
 * @param tables     the tables to show
 * @param operations the operations to show
 * @param key        the row key every shown event's key must match (see {@link RowKey#matches})
 */
record EventFilter(Set<TableId> tables, Set<Operation> operations, Optional<RowKey> key) {

    static final EventFilter NONE = new EventFilter(Set.of(), Set.of(), Optional.empty());

    EventFilter {
        tables = Set.copyOf(tables);
        operations = Set.copyOf(operations);
    }

    /**
     * @param operationCodes operation letters, each item possibly a comma-separated list ({@code u,d})
     * @throws InvalidUsageException naming the letter, table or key that cannot be read
     */
    static EventFilter parse(List<String> tableNames, List<String> operationCodes, String keyText) {
        List<TableId> tables = new ArrayList<>();
        for (String name : tableNames) {
            tables.add(Arguments.table(name));
        }
        List<Operation> operations = new ArrayList<>();
        for (String item : operationCodes) {
            for (String code : item.split(",")) {
                try {
                    operations.add(Operation.fromCode(code.trim()));
                } catch (IllegalArgumentException e) {
                    throw new InvalidUsageException("--op: " + e.getMessage()
                            + ": c insert, u update, d delete, r snapshot read, t truncate, s sweep");
                }
            }
        }
        Optional<RowKey> key = keyText == null ? Optional.empty() : Optional.of(RowKey.parse(keyText));
        return new EventFilter(Set.copyOf(tables), Set.copyOf(operations), key);
    }

    boolean isEmpty() {
        return tables.isEmpty() && operations.isEmpty() && key.isEmpty();
    }

    boolean matches(ChangeEvent event) {
        return (tables.isEmpty() || tables.contains(event.tableId()))
                && (operations.isEmpty() || operations.contains(event.op()))
                && (key.isEmpty() || key.get().matches(event.key()));
    }
}
