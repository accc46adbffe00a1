package io.tributary.inspector;

import io.tributary.config.InvalidUsageException;
import io.tributary.inspector.TopicRecord.Change;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tail}: the latest change events, decoded and filtered, partition by partition; optionally from the
 * beginning, optionally following new ones. Records that are not change events are always shown, as such.
 */
@Command(name = "tail",
        description = {"Shows decoded change events: the last -n of each partition (default), all of them"
                + " (--from-beginning), and then new ones as they arrive (--follow).",
                "Filters combine: --table, --op, --key, --partition. Undecodable records are always shown, with their"
                        + " partition and offset."})
final class TailCommand extends TopicCommand {

    private static final Duration FOLLOW_POLL = Duration.ofMillis(500);

    @Option(names = "--table", paramLabel = "<schema.table>", split = ",",
            description = "Only events of this table; repeatable.")
    List<String> tables = new ArrayList<>();

    @Option(names = "--op", paramLabel = "<c|u|d|r|t|s>", split = ",",
            description = "Only these operations: c insert, u update, d delete, r snapshot read, t truncate,"
                    + " s sweep (the end of a table's incremental snapshot); repeatable or comma-separated.")
    List<String> operations = new ArrayList<>();

    @Option(names = "--key", paramLabel = "<key>",
            description = "Only events of this row: JSON ({\"id\":42}) or column=value pairs (id=42,"
                    + " order_id=7,line=2); given columns must all match.")
    String key;

    @Option(names = "--partition", paramLabel = "<n>", split = ",",
            description = "Only these partitions; repeatable or comma-separated.")
    List<Integer> partitions = new ArrayList<>();

    @Option(names = {"-n", "--last"}, paramLabel = "<n>", defaultValue = "10",
            description = "Show the last <n> matching events of each partition (default: ${DEFAULT-VALUE}).")
    int last;

    @Option(names = "--from-beginning", description = "Show every matching event from each partition's start.")
    boolean fromBeginning;

    @Option(names = {"-f", "--follow"}, description = "Then keep showing new events until interrupted (Ctrl-C).")
    boolean follow;

    @Option(names = "--max-records", paramLabel = "<n>", defaultValue = "100000",
            description = "With filters, search at most the last <n> records of each partition for the last -n"
                    + " matches (default: ${DEFAULT-VALUE}).")
    long maxRecords;

    @Override
    void inspect(TopicSettings settings, PrintWriter out) {
        if (last < 0) {
            throw new InvalidUsageException("-n must not be negative, got " + last);
        }
        if (maxRecords < 1) {
            throw new InvalidUsageException("--max-records must be at least 1, got " + maxRecords);
        }
        EventFilter filter = EventFilter.parse(tables, operations, key);
        String topic = settings.singleTopic();
        EventFormat format = jsonOutput() ? EventFormat.JSON : EventFormat.TEXT;
        try (BrokerConnection connection = new BrokerConnection(settings)) {
            List<PartitionOffsets> chosen = chosenPartitions(connection.partitionOffsets(topic), topic);
            PartitionReader reader = new PartitionReader(connection, topic);
            for (PartitionOffsets partition : chosen) {
                showHistory(reader, partition, filter, format, out);
            }
            out.flush();
            if (follow) {
                follow(connection, topic, chosen, filter, format, out);
            }
        }
    }

    private List<PartitionOffsets> chosenPartitions(List<PartitionOffsets> all, String topic) {
        if (partitions.isEmpty()) {
            return all;
        }
        Map<Integer, PartitionOffsets> byNumber = all.stream()
                .collect(Collectors.toMap(PartitionOffsets::partition, Function.identity()));
        List<PartitionOffsets> chosen = new ArrayList<>();
        for (int partition : partitions.stream().distinct().sorted().toList()) {
            PartitionOffsets offsets = byNumber.get(partition);
            if (offsets == null) {
                throw new InvalidUsageException("--partition " + partition + ": topic " + topic + " has partitions"
                        + " 0 to " + (all.size() - 1));
            }
            chosen.add(offsets);
        }
        return chosen;
    }

    private void showHistory(PartitionReader reader, PartitionOffsets partition, EventFilter filter,
                             EventFormat format, PrintWriter out) {
        if (fromBeginning) {
            reader.read(partition.partition(), partition.start(), partition.end(), record -> {
                if (shows(filter, record)) {
                    out.print(format.format(record));
                }
            });
        } else if (filter.isEmpty()) {
            reader.read(partition.partition(), partition.lastRecordsFrom(last), partition.end(),
                    record -> out.print(format.format(record)));
        } else if (last > 0) {
            showLastMatches(reader, partition, filter, format, out);
        }
    }

    /** The last -n matches among the last --max-records records: only -n records are held at a time. */
    private void showLastMatches(PartitionReader reader, PartitionOffsets partition, EventFilter filter,
                                 EventFormat format, PrintWriter out) {
        long from = partition.lastRecordsFrom(maxRecords);
        ArrayDeque<TopicRecord> matches = new ArrayDeque<>(last);
        reader.read(partition.partition(), from, partition.end(), record -> {
            if (shows(filter, record)) {
                if (matches.size() == last) {
                    matches.removeFirst();
                }
                matches.addLast(record);
            }
        });
        matches.forEach(record -> out.print(format.format(record)));
        if (from > partition.start() && matches.size() < last) {
            spec.commandLine().getErr().println("note: partition " + partition.partition() + ": searched only its"
                    + " last " + maxRecords + " records (offsets " + from + " to " + (partition.end() - 1)
                    + "); raise --max-records or use --from-beginning to search further");
        }
    }

    /** New records of the chosen partitions, from the end offsets the history stopped at, until interrupted. */
    private void follow(BrokerConnection connection, String topic, List<PartitionOffsets> chosen, EventFilter filter,
                        EventFormat format, PrintWriter out) {
        var consumer = connection.consumer();
        List<TopicPartition> assigned = chosen.stream()
                .map(partition -> new TopicPartition(topic, partition.partition())).toList();
        consumer.assign(assigned);
        chosen.forEach(partition -> consumer.seek(new TopicPartition(topic, partition.partition()), partition.end()));
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(FOLLOW_POLL)) {
                    TopicRecord decoded = TopicRecord.decode(record);
                    if (shows(filter, decoded)) {
                        out.print(format.format(decoded));
                    }
                }
                out.flush();
            }
        } catch (WakeupException | InterruptException e) {
            // asked to stop
        }
    }

    private static boolean shows(EventFilter filter, TopicRecord record) {
        return !(record instanceof Change change) || filter.matches(change.event());
    }
}
