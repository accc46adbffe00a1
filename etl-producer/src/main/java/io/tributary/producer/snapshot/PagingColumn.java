package io.tributary.producer.snapshot;

/**
 * A column of the unique key a table is paged by.
 *
 * @param name    the column's name as in the catalog
 * @param sqlType its type as {@code format_type} spells it, with the modifier ({@code character(5)}), to cast the
 *                previous page's last value back to it
 */
record PagingColumn(String name, String sqlType) {
}
