package io.tributary.inspector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.config.InvalidUsageException;
import io.tributary.model.ChangeEventJson;
import io.tributary.subscriber.consume.DeadLetterPublisher;
import io.tributary.subscriber.consume.TopicRetention;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dead-letters resend}: sends the selected letters back to the change topic and partition they were read
 * from, with their original key, value and headers (the subscriber's {@code tributary.dlq.*} headers removed), and
 * reports where each went.
 *
 * <p>Safe to repeat: the subscriber applies a re-sent change as any other, at its own version (its LSN), so
 * Elasticsearch refuses it as a version conflict when the document already holds that change or a newer one (a later
 * update, or the delete marker of a later delete). It only fills a gap the letter left. That holds while a later
 * delete's marker is kept ({@code deletes.keep-for}): a letter whose change is older than that is skipped unless
 * {@code --past-keep-for} is given.
 */
@Command(name = "resend",
        description = {"Sends the selected dead letters back to the change topic and partition they came from, once"
                + " the cause is fixed (a mapping, the data, an index name); the subscriber applies them as any"
                + " change, and a letter older than its row's current document is skipped (versions).",
                "Choose with --table, --reason, --offsets, --partition, or --all; --dry-run shows what would be sent."})
final class ResendDeadLettersCommand extends DeadLetterCommand {

    /** The headers the subscriber adds to a letter: not part of the original record. */
    private static final Set<String> LETTER_HEADERS = Set.of(DeadLetterPublisher.REASON, DeadLetterPublisher.KIND,
            DeadLetterPublisher.TOPIC, DeadLetterPublisher.PARTITION, DeadLetterPublisher.OFFSET,
            DeadLetterPublisher.INDEX, DeadLetterPublisher.ID);

    @Option(names = "--all", description = "Every letter (required when no filter is given).")
    boolean all;

    @Option(names = "--dry-run", description = "Only show which letters would be sent where.")
    boolean dryRun;

    @Option(names = "--past-keep-for",
            description = {"Also send letters whose change is older than the subscriber keeps delete markers"
                    + " (tributary.elasticsearch.deletes.keep-for: the --subscriber-config's, else auto's, the source"
                    + " topic's retention.ms + segment.ms + 1h). A delete of their row may be forgotten by now, so"
                    + " they could bring a deleted row back; by default they are skipped, each with a line saying so."})
    boolean pastKeepFor;

    /** How long the subscriber keeps a delete marker, by source topic (read once per topic). */
    private final Map<String, Duration> keepFor = new HashMap<>();

    /** A letter handed to Kafka, and Kafka's answer to come. */
    private record Sent(DeadLetterRecord letter, Future<RecordMetadata> answer) {
    }

    @Override
    void inspect(TopicSettings settings, PrintWriter out) {
        DeadLetterSelection selection = selection();
        if (selection.isEmpty() && !all) {
            throw new InvalidUsageException("say which letters to resend: --table, --reason, --offsets, --partition,"
                    + " or --all for every one");
        }
        if (!selection.isEmpty() && all) {
            throw new InvalidUsageException("--all together with a filter: give one or the other");
        }
        String topic = deadLetterTopic(settings);
        Instant now = Instant.now();
        List<DeadLetterRecord> sourceless = new ArrayList<>();
        List<DeadLetterRecord> tooOld = new ArrayList<>();
        List<Sent> sent = new ArrayList<>();
        List<DeadLetterRecord> wouldSend = new ArrayList<>();
        try (BrokerConnection connection = connect(settings)) {
            long read = readLetters(connection, topic, selection, (record, letter) -> {
                if (!letter.hasSource()) {
                    sourceless.add(letter);
                } else if (!pastKeepFor && letter.olderThan(keepFor(connection, letter.sourceTopic()), now)) {
                    tooOld.add(letter);
                } else if (dryRun) {
                    wouldSend.add(letter);
                    report(out, letter, null);
                } else {
                    sent.add(new Sent(letter, send(connection, record, letter)));
                }
            });
            int failed = dryRun ? 0 : awaitAnswers(connection, sent, out);
            sourceless.forEach(letter -> spec.commandLine().getErr().println("skipped letter " + letter.partition()
                    + "/" + letter.offset() + ": it has no " + DeadLetterPublisher.TOPIC + " or "
                    + DeadLetterPublisher.PARTITION + " header, so where it came from is not known"));
            tooOld.forEach(letter -> spec.commandLine().getErr().println("skipped letter " + letter.partition()
                    + "/" + letter.offset() + " (" + describe(letter) + "): its change, of " + letter.changeTime()
                    + ", is older than the subscriber keeps delete markers (" + keepFor.get(letter.sourceTopic())
                    + "), so a delete of its row may be forgotten and re-sending it could bring the row back;"
                    + " scripts/verify.sh --repair brings such rows up to date, --past-keep-for sends it anyway"));
            if (!jsonOutput()) {
                int chosen = dryRun ? wouldSend.size() : sent.size();
                int skipped = sourceless.size() + tooOld.size();
                out.println((dryRun ? "would resend " : "resent ") + (chosen - failed) + " of the " + read
                        + " letters in " + topic + (skipped == 0 ? "" : "; " + skipped + " skipped (see above)")
                        + (failed == 0 ? "" : "; " + failed + " FAILED"));
            }
            if (failed > 0) {
                throw new InspectionFailedException(failed + " letters could not be sent (see above); the others"
                        + " were; resend the failed ones with --offsets once Kafka takes them");
            }
        }
    }

    /** The subscriber's {@code deletes.keep-for} for rows of {@code topic}: configured, or what auto makes of it. */
    private Duration keepFor(BrokerConnection connection, String topic) {
        return keepFor.computeIfAbsent(topic, name -> subscriber()
                .flatMap(found -> found.elasticsearch().deletes().keepFor())
                .orElseGet(() -> TopicRetention.holds(connection.topicConfig(name))));
    }

    private static String describe(DeadLetterRecord letter) {
        return letter.table().map(Object::toString).orElse("not a change event") + " " + letter.key()
                + letter.change().map(change -> ", " + change).orElse("");
    }

    private Future<RecordMetadata> send(BrokerConnection connection, ConsumerRecord<byte[], byte[]> record,
                                        DeadLetterRecord letter) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!LETTER_HEADERS.contains(header.key())) {
                headers.add(header);
            }
        }
        try {
            return connection.producer().send(new ProducerRecord<>(letter.sourceTopic(),
                    letter.sourcePartition().getAsInt(), record.key(), record.value(), headers));
        } catch (KafkaException e) {
            throw connection.failure(e, "resending letter " + letter.partition() + "/" + letter.offset() + " to "
                    + letter.source());
        }
    }

    /** Waits for every answer, reporting each letter; returns how many Kafka did not take. */
    private int awaitAnswers(BrokerConnection connection, List<Sent> sent, PrintWriter out) {
        connection.producer().flush();
        int failed = 0;
        for (Sent each : sent) {
            try {
                report(out, each.letter(), each.answer().get(3 * connection.timeout().toMillis(),
                        TimeUnit.MILLISECONDS));
            } catch (ExecutionException | TimeoutException e) {
                failed++;
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                spec.commandLine().getErr().println("letter " + each.letter().partition() + "/"
                        + each.letter().offset() + " was NOT sent to " + each.letter().source() + ": " + cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InspectionFailedException("interrupted while waiting for Kafka to take the letters", e);
            }
        }
        return failed;
    }

    /** One line (or JSON object) per letter: where it went, or where it would go ({@code sentTo} null). */
    private void report(PrintWriter out, DeadLetterRecord letter, RecordMetadata sentTo) {
        String target = sentTo == null ? letter.sourceTopic() + "-" + letter.sourcePartition().getAsInt()
                : sentTo.topic() + "-" + sentTo.partition() + "@" + sentTo.offset();
        if (!jsonOutput()) {
            out.println((sentTo == null ? "would resend " : "resent ") + letter.partition() + "/" + letter.offset()
                    + " (" + describe(letter) + ") to " + target);
            return;
        }
        ObjectNode json = ChangeEventJson.mapper().createObjectNode();
        json.put("partition", letter.partition());
        json.put("offset", letter.offset());
        json.put("dryRun", sentTo == null);
        ObjectNode to = json.putObject("sentTo");
        to.put("topic", letter.sourceTopic());
        to.put("partition", letter.sourcePartition().getAsInt());
        if (sentTo != null) {
            to.put("offset", sentTo.offset());
        }
        try {
            out.println(ChangeEventJson.mapper().writeValueAsString(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report of letter " + letter.offset() + " as JSON", e);
        }
    }
}
