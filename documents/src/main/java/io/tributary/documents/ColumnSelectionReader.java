package io.tributary.documents;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Reads {@code columns}, {@code exclude} and {@code rename} of one configuration entry (a {@code tributary.tables}
 * table, a {@code tributary.documents} document or join) into a {@link ColumnSelection}, refusing what cannot be
 * meant: both {@code columns} and {@code exclude}, an empty {@code columns}, a rename of a dropped column, two
 * columns renamed onto one field, a field starting with {@code _}. Stateless.
 */
public final class ColumnSelectionReader {

    private ColumnSelectionReader() {
    }

    /**
     * @param entry   the entry's path in HOCON form, for messages ({@code "shop.orders"}, {@code orders.join.items})
     * @param fields  the entry's object
     * @param invalid makes the error for a path and a problem
     */
    public static ColumnSelection read(String entry, Config fields,
                                       BiFunction<String, String, RuntimeException> invalid) {
        Set<String> include = columns(entry, fields, "columns", invalid);
        Set<String> exclude = columns(entry, fields, "exclude", invalid);
        if (fields.hasPath("columns") && include.isEmpty()) {
            throw invalid.apply(entry + ".columns", "must name at least one column (leave it out to keep"
                    + " every column)");
        }
        if (!include.isEmpty() && !exclude.isEmpty()) {
            throw invalid.apply(entry, "sets both columns and exclude; set one of them");
        }
        return new ColumnSelection(include, exclude, rename(entry, fields, include, exclude, invalid));
    }

    private static Set<String> columns(String entry, Config fields, String field,
                                       BiFunction<String, String, RuntimeException> invalid) {
        if (!fields.hasPath(field)) {
            return Set.of();
        }
        ConfigValue value = fields.getValue(field);
        List<String> names = new ArrayList<>();
        if (value.valueType() == ConfigValueType.LIST) {
            for (ConfigValue item : fields.getList(field)) {
                if (item.valueType() != ConfigValueType.STRING || ((String) item.unwrapped()).isBlank()) {
                    throw invalid.apply(entry + "." + field, "must be a list of column names, got " + value.render());
                }
                names.add((String) item.unwrapped());
            }
        } else if (value.valueType() == ConfigValueType.STRING) {
            for (String item : ((String) value.unwrapped()).split(",")) {
                if (!item.isBlank()) {
                    names.add(item.trim());
                }
            }
        } else {
            throw invalid.apply(entry + "." + field, "must be a list of column names, got " + value.render());
        }
        return new LinkedHashSet<>(names);
    }

    private static Map<String, String> rename(String entry, Config fields, Set<String> include, Set<String> exclude,
                                              BiFunction<String, String, RuntimeException> invalid) {
        if (!fields.hasPath("rename")) {
            return Map.of();
        }
        ConfigValue value = fields.getValue("rename");
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw invalid.apply(entry + ".rename", "must be an object of column = field, got " + value.render());
        }
        Map<String, String> rename = new HashMap<>();
        Map<String, String> columnByField = new HashMap<>();
        for (Map.Entry<String, ConfigValue> pair : ((ConfigObject) value).entrySet()) {
            String column = pair.getKey();
            String where = entry + ".rename." + ConfigUtil.joinPath(column);
            if (pair.getValue().valueType() != ConfigValueType.STRING
                    || ((String) pair.getValue().unwrapped()).isBlank()) {
                throw invalid.apply(where, "must be a field name, got " + pair.getValue().render());
            }
            String field = (String) pair.getValue().unwrapped();
            if (field.startsWith("_")) {
                throw invalid.apply(where, "'" + field + "' starts with '_', which Elasticsearch keeps for its own"
                        + " fields");
            }
            if (exclude.contains(column) || !include.isEmpty() && !include.contains(column)) {
                throw invalid.apply(where, "renames column '" + column + "', which " + (exclude.contains(column)
                        ? "exclude drops" : "columns does not keep"));
            }
            String other = columnByField.put(field, column);
            if (other != null) {
                throw invalid.apply(where, "renames '" + column + "' to '" + field + "', as column '" + other
                        + "' is renamed too");
            }
            rename.put(column, field);
        }
        for (Map.Entry<String, String> pair : rename.entrySet()) {
            String field = pair.getValue();
            if (include.contains(field) && !rename.containsKey(field) && !field.equals(pair.getKey())) {
                throw invalid.apply(entry + ".rename." + ConfigUtil.joinPath(pair.getKey()), "renames '"
                        + pair.getKey() + "' to '" + field + "', the field column '" + field + "' is kept as");
            }
        }
        return rename;
    }
}
