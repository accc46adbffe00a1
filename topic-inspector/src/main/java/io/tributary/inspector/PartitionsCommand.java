package io.tributary.inspector;

import io.tributary.config.InvalidUsageException;
import io.tributary.model.Routing;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code partitions}: each partition's offsets, the tables routed to it, and its records counted per table. */
@Command(name = "partitions",
        description = {"Each partition with its start and end offsets, the tables the producer routes to it, and how"
                + " many records of each table it holds (read and decoded; undecodable records counted apart).",
                "A table found in a partition it is not routed to is marked 'NOT this partition'."})
final class PartitionsCommand extends TopicCommand {

    @Option(names = "--max-records", paramLabel = "<n>", defaultValue = "100000",
            description = "Count at most the last <n> records of each partition (default: ${DEFAULT-VALUE}); a note"
                    + " says when a partition held more.")
    long maxRecords;

    @Override
    void inspect(TopicSettings settings, PrintWriter out) {
        if (maxRecords < 1) {
            throw new InvalidUsageException("--max-records must be at least 1, got " + maxRecords);
        }
        String topic = settings.singleTopic();
        try (BrokerConnection connection = new BrokerConnection(settings)) {
            List<PartitionOffsets> offsets = connection.partitionOffsets(topic);
            Routing routing = settings.routing(offsets.size());
            PartitionReader reader = new PartitionReader(connection, topic);
            List<PartitionContents> contents = new ArrayList<>();
            for (PartitionOffsets partition : offsets) {
                contents.add(PartitionContents.count(reader, partition, maxRecords));
            }
            PartitionReport report = new PartitionReport(settings, routing, contents);
            if (jsonOutput()) {
                printJson(out, report.json());
            } else {
                out.print(report.text());
            }
        }
    }
}
