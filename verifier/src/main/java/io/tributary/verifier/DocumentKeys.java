package io.tributary.verifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.model.ChangeEventJson;
import io.tributary.producer.decoding.ReplicationMessage.Column;
import io.tributary.shaping.DocumentIds;
import io.tributary.shaping.PgType;
import io.tributary.shaping.PgTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The way back from a document's {@code _id} to the key of the row it should belong to: the text of each key value,
 * for PostgreSQL to read as the key column's type. The inverse of {@link DocumentIds#idFor} for every key whose
 * values PostgreSQL reads back from their JSON form (see {@link #readsBack}).
 *
 * <p>One key column: the id is the value's text. Several: the id is a JSON array of the values in key order, each a
 * string, number or boolean. An id that cannot be a key of the table (not an array of the right length, a nested
 * value, a null) gives no key: its document belongs to no row. Whether a key that parses names an existing row is for
 * PostgreSQL to say, and the caller must compute the id of what it finds again: {@code 007} reads as the row
 * {@code 7}, whose document id is {@code 7}, not {@code 007}. Stateless.
 */
final class DocumentKeys {

    private DocumentKeys() {
    }

    /** The texts of the key values {@code id} names, in key order; empty when it names none of this shape. */
    static Optional<List<String>> keyTexts(String id, int keyColumns) {
        if (keyColumns == 1) {
            return Optional.of(List.of(id));
        }
        JsonNode array;
        try {
            array = ChangeEventJson.mapper().readTree(id);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (array == null || !array.isArray() || array.size() != keyColumns) {
            return Optional.empty();
        }
        List<String> texts = new ArrayList<>(keyColumns);
        for (JsonNode value : array) {
            if (value.isTextual()) {
                texts.add(value.textValue());
            } else if (value.isNumber() || value.isBoolean()) {
                texts.add(value.asText());
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(texts);
    }

    /**
     * The names of the columns among {@code keyColumns} whose types do not {@linkplain #readsBack read back}: while
     * there is one, documents cannot be traced back to rows.
     */
    static List<String> opaqueColumns(PgTypes types, List<Column> keyColumns) {
        return keyColumns.stream().filter(column -> !readsBack(types, column.typeOid())).map(Column::name).toList();
    }

    /**
     * Whether PostgreSQL reads the JSON form the producer gives a key column of this type back as the same value:
     * numbers, text, uuid, booleans, dates and times do; {@code bytea} (base64) and arrays, json and hstore (JSON
     * structures) do not, so documents of such keys cannot be traced to rows. A domain is its base type; a type the
     * catalog does not know keeps its text form, which reads back.
     */
    static boolean readsBack(PgTypes types, int typeOid) {
        Optional<PgType> type = types.lookup(typeOid);
        while (type.isPresent() && type.get().isDomain()) {
            type = types.lookup(type.get().baseTypeOid());
        }
        if (type.isEmpty()) {
            return true;
        }
        return !type.get().isArray() && switch (type.get().name()) {
            case "bytea", "json", "jsonb", "hstore" -> false;
            default -> true;
        };
    }
}
