package io.tributary.inspector;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tributary.model.ChangeEventJson;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;

/**
 * {@code dead-letters list}: every selected letter with its offset, time, table, key, change, where it came from
 * and why; then how many per kind. {@code --json}: one object per letter and line.
 */
@Command(name = "list",
        description = {"Lists the dead letters: offset in the dead-letter topic, when, table, key, operation and LSN,"
                + " where it came from (topic-partition@offset) and why.",
                "Filters combine: --table, --reason, --offsets, --partition."})
final class ListDeadLettersCommand extends DeadLetterCommand {

    private static final int REASON_WIDTH = 160;

    @Override
    void inspect(TopicSettings settings, PrintWriter out) {
        DeadLetterSelection selection = selection();
        String topic = deadLetterTopic(settings);
        TextTable table = new TextTable("partition/offset", "time", "table", "key", "change", "source", "reason");
        Map<String, Integer> perKind = new TreeMap<>();
        long read;
        try (BrokerConnection connection = connect(settings)) {
            read = readLetters(connection, topic, selection, (record, letter) -> {
                perKind.merge(letter.kind().isEmpty() ? "(no kind)" : letter.kind(), 1, Integer::sum);
                if (jsonOutput()) {
                    out.println(json(letter));
                } else {
                    table.row(letter.partition() + "/" + letter.offset(), letter.time(),
                            letter.table().map(Object::toString).orElse("-"), letter.key(),
                            letter.change().orElse("-"), letter.source(), shortReason(letter));
                }
            });
        }
        if (jsonOutput()) {
            return;
        }
        int shown = perKind.values().stream().mapToInt(Integer::intValue).sum();
        if (!table.isEmpty()) {
            out.print(table.render());
        }
        out.println(shown + " of the " + read + " letters in " + topic + (selection.isEmpty() ? "" : " selected")
                + (perKind.isEmpty() ? "" : "; by kind: " + perKind));
    }

    private static String shortReason(DeadLetterRecord letter) {
        String reason = (letter.kind().isEmpty() ? "" : letter.kind() + ": ") + letter.reason().replace('\n', ' ');
        return reason.length() <= REASON_WIDTH ? reason : reason.substring(0, REASON_WIDTH) + "…";
    }

    private static String json(DeadLetterRecord letter) {
        try {
            return ChangeEventJson.mapper().writeValueAsString(letter.toJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write dead letter " + letter.offset() + " as JSON", e);
        }
    }
}
