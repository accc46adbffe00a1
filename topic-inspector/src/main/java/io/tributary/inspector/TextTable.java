package io.tributary.inspector;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain text table: a header row and rows of cells, each column as wide as its widest cell, two spaces between
 * columns, trailing blanks trimmed. Not thread-safe; build it, render it once.
 */
final class TextTable {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(String... header) {
        this.header = List.of(header);
    }

    /** @throws IllegalArgumentException when the row has not one cell per column */
    TextTable row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells for the " + header.size()
                    + " columns " + header);
        }
        List<String> row = new ArrayList<>(cells.length);
        for (Object cell : cells) {
            row.add(String.valueOf(cell));
        }
        rows.add(row);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The table as lines, each ending with a newline. */
    String render() {
        int[] widths = new int[header.size()];
        measure(header, widths);
        rows.forEach(row -> measure(row, widths));
        StringBuilder text = new StringBuilder();
        append(text, header, widths);
        rows.forEach(row -> append(text, row, widths));
        return text.toString();
    }

    private static void measure(List<String> row, int[] widths) {
        for (int column = 0; column < widths.length; column++) {
            widths[column] = Math.max(widths[column], row.get(column).length());
        }
    }

    private static void append(StringBuilder text, List<String> row, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int column = 0; column < widths.length; column++) {
            String cell = row.get(column);
            line.append(cell);
            if (column < widths.length - 1) {
                line.append(" ".repeat(widths[column] - cell.length() + 2));
            }
        }
        text.append(line.toString().stripTrailing()).append('\n');
    }
}
