package io.tributary.inspector;

import io.tributary.config.InvalidUsageException;
import io.tributary.model.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which dead letters {@code dead-letters list} shows and {@code resend} sends: every given criterion must hold;
 * an empty set or absent range lets everything through.
 *
 * @param tables     the change events' tables; a letter that is not a change event has none and never matches
 * @param reasons    each matches a letter whose kind is it, or whose reason contains it (case ignored)
 * @param offsets    the letters' offsets in the dead-letter topic, {@code from} to {@code to} inclusive
 * @param partitions the dead-letter topic's partitions
 */
record DeadLetterSelection(Set<TableId> tables, List<String> reasons, Optional<OffsetRange> offsets,
                           Set<Integer> partitions) {

    DeadLetterSelection {
        tables = Set.copyOf(tables);
        reasons = reasons.stream().map(reason -> reason.toLowerCase(Locale.ROOT)).toList();
        partitions = Set.copyOf(partitions);
    }

    /** Offsets {@code from} to {@code to}, both included. */
    record OffsetRange(long from, long to) {

        /**
         * @param text {@code 12} or {@code 12-40}
         * @throws InvalidUsageException naming the text when it is neither, or the range is empty
         */
        static OffsetRange parse(String text) {
            String[] ends = text.trim().split("-", -1);
            try {
                long from = Long.parseLong(ends[0].trim());
                long to = ends.length == 1 ? from : Long.parseLong(ends[1].trim());
                if (ends.length > 2 || from < 0 || to < from) {
                    throw new NumberFormatException();
                }
                return new OffsetRange(from, to);
            } catch (NumberFormatException e) {
                throw new InvalidUsageException("--offsets '" + text + "' is not an offset (12) or a range of"
                        + " offsets (12-40, from at most to) of the dead-letter topic", e);
            }
        }

        boolean contains(long offset) {
            return offset >= from && offset <= to;
        }
    }

    /** @throws InvalidUsageException naming the table or offsets that cannot be read */
    static DeadLetterSelection parse(List<String> tableNames, List<String> reasons, String offsetText,
                                     List<Integer> partitions) {
        List<TableId> tables = new ArrayList<>();
        for (String name : tableNames) {
            tables.add(Arguments.table(name));
        }
        Optional<OffsetRange> offsets = offsetText == null ? Optional.empty()
                : Optional.of(OffsetRange.parse(offsetText));
        return new DeadLetterSelection(Set.copyOf(tables), reasons, offsets, Set.copyOf(partitions));
    }

    boolean isEmpty() {
        return tables.isEmpty() && reasons.isEmpty() && offsets.isEmpty() && partitions.isEmpty();
    }

    boolean matches(DeadLetterRecord letter) {
        return (partitions.isEmpty() || partitions.contains(letter.partition()))
                && (offsets.isEmpty() || offsets.get().contains(letter.offset()))
                && (tables.isEmpty() || letter.table().map(tables::contains).orElse(false))
                && (reasons.isEmpty() || reasons.stream().anyMatch(reason -> matchesReason(letter, reason)));
    }

    private static boolean matchesReason(DeadLetterRecord letter, String reason) {
        return letter.kind().toLowerCase(Locale.ROOT).equals(reason)
                || letter.reason().toLowerCase(Locale.ROOT).contains(reason);
    }
}
