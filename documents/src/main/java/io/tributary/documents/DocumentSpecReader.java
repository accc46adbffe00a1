package io.tributary.documents;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.tributary.config.InvalidConfigException;
import io.tributary.model.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code tributary.documents}: one entry per document type, each naming its root table and its joins, nested
 * to any depth. Checks the shape of the configuration only (known fields, one of {@code on} or {@code through} per
 * join, no field embedded twice); whether the tables and columns exist is {@link DocumentChecks}' job, against the
 * database. Every error names the document, the join and the key. Stateless.
 */
public final class DocumentSpecReader {

    public static final String KEY = "tributary.documents";
    static final List<String> DOCUMENT_FIELDS = List.of("root", "columns", "exclude", "rename", "join");
    static final List<String> JOIN_FIELDS = List.of("table", "on", "through", "many", "order-by", "columns",
            "exclude", "rename", "join");
    static final List<String> THROUGH_FIELDS = List.of("table", "on", "to");

    private DocumentSpecReader() {
    }

    /** The document types configured, in configuration order; none when {@code tributary.documents} is absent. */
    public static List<DocumentSpec> read(Config config) {
        if (!config.hasPath(KEY)) {
            return List.of();
        }
        ConfigValue value = config.getValue(KEY);
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw invalid("", "must be an object of document types, such as orders { root = \"shop.orders\" }, got "
                    + value.render());
        }
        List<DocumentSpec> documents = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> entry : ((ConfigObject) value).entrySet()) {
            documents.add(document(entry.getKey(), entry.getValue()));
        }
        return documents;
    }

    private static DocumentSpec document(String name, ConfigValue value) {
        String where = ConfigUtil.joinPath(name);
        Config fields = object(where, value, "a document type such as { root = \"shop.orders\", join { … } }");
        knownFields(where, (ConfigObject) value, DOCUMENT_FIELDS);
        TableId root = table(where, fields, "root");
        ColumnSelection columns = ColumnSelectionReader.read(where, fields, DocumentSpecReader::invalid);
        return new DocumentSpec(name, root, columns, joins(where, fields));
    }

    private static List<JoinSpec> joins(String where, Config fields) {
        if (!fields.hasPath("join")) {
            return List.of();
        }
        ConfigValue value = fields.getValue("join");
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw invalid(where + ".join", "must be an object of joins, such as customer { table = \"shop.customers\","
                    + " on { customer_id = id } }, got " + value.render());
        }
        List<JoinSpec> joins = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> entry : ((ConfigObject) value).entrySet()) {
            String field = entry.getKey();
            String joinWhere = where + ".join." + ConfigUtil.joinPath(field);
            if (field.startsWith("_")) {
                throw invalid(joinWhere, "is a field starting with '_', which Elasticsearch keeps for its own fields");
            }
            joins.add(join(joinWhere, field, entry.getValue()));
        }
        return joins;
    }

    private static JoinSpec join(String where, String field, ConfigValue value) {
        Config fields = object(where, value, "a join such as { table = \"shop.customers\", on { customer_id = id } }");
        knownFields(where, (ConfigObject) value, JOIN_FIELDS);
        TableId table = table(where, fields, "table");
        boolean hasOn = fields.hasPath("on");
        boolean hasThrough = fields.hasPath("through");
        if (hasOn == hasThrough) {
            throw invalid(where, hasOn ? "sets both on and through; a direct join needs on, a many-to-many join"
                    + " through { table, on, to }" : "needs on { <enclosing column> = <" + table + " column> }, or"
                    + " through { table, on, to } for a link table");
        }
        List<ColumnPair> on = hasOn ? pairs(where + ".on", fields, "on") : List.of();
        Optional<JoinSpec.Through> through = Optional.empty();
        if (hasThrough) {
            String throughWhere = where + ".through";
            ConfigValue throughValue = fields.getValue("through");
            Config throughFields = object(throughWhere, throughValue, "{ table = \"shop.order_tags\","
                    + " on { id = order_id }, to { tag_id = id } }");
            knownFields(throughWhere, (ConfigObject) throughValue, THROUGH_FIELDS);
            for (String required : List.of("on", "to")) {
                if (!throughFields.hasPath(required)) {
                    throw invalid(throughWhere, "needs " + required + (required.equals("on")
                            ? " { <enclosing column> = <link column> }" : " { <link column> = <" + table + " column> }"));
                }
            }
            through = Optional.of(new JoinSpec.Through(table(throughWhere, throughFields, "table"),
                    pairs(throughWhere + ".on", throughFields, "on"), pairs(throughWhere + ".to", throughFields, "to")));
        }
        boolean many = false;
        if (fields.hasPath("many")) {
            if (fields.getValue("many").valueType() != ConfigValueType.BOOLEAN) {
                throw invalid(where + ".many", "must be true or false, got " + fields.getValue("many").render());
            }
            many = fields.getBoolean("many");
        }
        if (through.isPresent() && !many) {
            throw invalid(where, "joins through a link table, which relates many rows: set many = true");
        }
        List<String> orderBy = List.of();
        if (fields.hasPath("order-by")) {
            if (!many) {
                throw invalid(where + ".order-by", "orders an array, but this join embeds one row (many = false)");
            }
            orderBy = orderBy(where, fields);
        }
        ColumnSelection columns = ColumnSelectionReader.read(where, fields, DocumentSpecReader::invalid);
        return new JoinSpec(field, table, on, through, many, orderBy, columns, joins(where, fields));
    }

    private static List<String> orderBy(String where, Config fields) {
        ConfigValue value = fields.getValue("order-by");
        List<String> columns = new ArrayList<>();
        if (value.valueType() == ConfigValueType.STRING) {
            for (String item : ((String) value.unwrapped()).split(",")) {
                if (!item.isBlank()) {
                    columns.add(item.trim());
                }
            }
        } else if (value.valueType() == ConfigValueType.LIST) {
            for (ConfigValue item : fields.getList("order-by")) {
                if (item.valueType() != ConfigValueType.STRING || ((String) item.unwrapped()).isBlank()) {
                    throw invalid(where + ".order-by", "must be a list of column names, got " + value.render());
                }
                columns.add(((String) item.unwrapped()).trim());
            }
        }
        if (columns.isEmpty()) {
            throw invalid(where + ".order-by", "must name at least one column (leave it out to order by the key),"
                    + " got " + value.render());
        }
        return columns;
    }

    private static List<ColumnPair> pairs(String where, Config fields, String field) {
        ConfigValue value = fields.getValue(field);
        if (value.valueType() != ConfigValueType.OBJECT || ((ConfigObject) value).isEmpty()) {
            throw invalid(where, "must be an object of column pairs such as { customer_id = id }, got "
                    + value.render());
        }
        List<ColumnPair> pairs = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> pair : ((ConfigObject) value).entrySet()) {
            if (pair.getValue().valueType() != ConfigValueType.STRING
                    || ((String) pair.getValue().unwrapped()).isBlank()) {
                throw invalid(where + "." + ConfigUtil.joinPath(pair.getKey()), "must be a column name, got "
                        + pair.getValue().render());
            }
            pairs.add(new ColumnPair(pair.getKey(), (String) pair.getValue().unwrapped()));
        }
        return pairs;
    }

    private static TableId table(String where, Config fields, String field) {
        if (!fields.hasPath(field) || fields.getValue(field).valueType() != ConfigValueType.STRING
                || fields.getString(field).isBlank()) {
            throw invalid(where + "." + field, "must name a table such as \"shop.orders\""
                    + (fields.hasPath(field) ? ", got " + fields.getValue(field).render() : ", but is not set"));
        }
        return TableId.parse(fields.getString(field).trim());
    }

    private static Config object(String where, ConfigValue value, String example) {
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw invalid(where, "must be " + example + ", got " + value.render());
        }
        return ((ConfigObject) value).toConfig();
    }

    private static void knownFields(String where, ConfigObject object, List<String> known) {
        for (String field : object.keySet()) {
            if (!known.contains(field)) {
                throw invalid(where, "has an unknown field '" + field + "' (known: " + known + ")");
            }
        }
    }

    private static InvalidConfigException invalid(String where, String problem) {
        return new InvalidConfigException(KEY + (where.isEmpty() ? "" : "." + where) + " " + problem);
    }
}
