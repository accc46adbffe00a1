package io.tributary.producer.snapshot;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A low or high watermark of one chunk of an incremental snapshot: a non-transactional logical message
 * ({@code pg_logical_emit_message(false, 'tributary-watermark', 'slot=…;window=…;mark=low')}) the producer writes into
 * the WAL just before and just after reading the chunk, and reads back from its own stream. Between the two, the
 * stream shows exactly the transactions that may or may not be visible to the chunk's read.
 *
 * @param slot   the slot whose producer wrote it (producers of other slots on the database ignore it)
 * @param window which chunk it belongs to
 */
record Watermark(String slot, String window, Mark mark) {

    /** The logical message's prefix. */
    static final String PREFIX = "tributary-watermark";

    enum Mark { LOW, HIGH }

    /** The message's content. */
    String content() {
        return "slot=" + slot + ";window=" + window + ";mark=" + mark.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The watermark a logical message carries; empty for any other message (heartbeats, other applications). */
    static Optional<Watermark> parse(String prefix, byte[] content) {
        if (!PREFIX.equals(prefix)) {
            return Optional.empty();
        }
        String text = new String(content, StandardCharsets.UTF_8);
        String slot = null;
        String window = null;
        Mark mark = null;
        for (String field : text.split(";")) {
            int equals = field.indexOf('=');
            if (equals < 0) {
                return Optional.empty();
            }
            String value = field.substring(equals + 1);
            switch (field.substring(0, equals)) {
                case "slot" -> slot = value;
                case "window" -> window = value;
                case "mark" -> mark = "low".equals(value) ? Mark.LOW : "high".equals(value) ? Mark.HIGH : null;
                default -> {
                    return Optional.empty();
                }
            }
        }
        return slot == null || window == null || mark == null ? Optional.empty()
                : Optional.of(new Watermark(slot, window, mark));
    }
}
