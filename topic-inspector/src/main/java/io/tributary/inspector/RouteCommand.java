package io.tributary.inspector;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Routing;
import io.tributary.model.TableId;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code route}: the topic and partition the producer sends a table's changes to, and why. Needs Kafka only when the
 * partition count is neither given (--partitions) nor in the producer's configuration: then it is the topic's.
 */
@Command(name = "route",
        description = {"The topic and partition the producer sends each table's changes to, and why: pinned, or the"
                + " hash of the table name (partition-by table) or of the row's key (partition-by key, with --key).",
                "Uses the producer's partition count (--partitions or --producer-config), else asks Kafka for the"
                        + " topic's."})
final class RouteCommand extends TopicCommand {

    @Parameters(arity = "1..*", paramLabel = "<schema.table>", description = "The tables to route.")
    List<String> tableNames = new ArrayList<>();

    @Option(names = "--key", paramLabel = "<key>",
            description = "With partition-by key: the row whose partition to compute, as JSON ({\"id\":42}) or"
                    + " column=value pairs (id=42), every key column in key order.")
    String key;

    @Override
    void inspect(TopicSettings settings, PrintWriter out) {
        Optional<RowKey> rowKey = Optional.ofNullable(key).map(RowKey::parse);
        Map<String, Integer> partitionsByTopic = new HashMap<>();
        List<TableRoute> routes = new ArrayList<>();
        for (String name : tableNames) {
            TableId table = Arguments.table(name);
            String topic = settings.topicFor(table);
            int partitions = partitionsByTopic.computeIfAbsent(topic, any -> partitionCount(settings, topic));
            routes.add(TableRoute.of(settings.routing(partitions), table, rowKey));
        }
        if (jsonOutput()) {
            ArrayNode list = ChangeEventJson.mapper().createArrayNode();
            routes.forEach(route -> {
                ObjectNode node = list.addObject();
                node.put("table", route.table().toString());
                node.put("topic", route.topic());
                if (route.partition().isPresent()) {
                    node.put("partition", route.partition().getAsInt());
                } else {
                    node.putNull("partition");
                }
                node.put("reason", route.reason().name().toLowerCase(Locale.ROOT));
                node.put("why", route.why());
            });
            printJson(out, list);
        } else {
            TextTable table = new TextTable("TABLE", "TOPIC", "PARTITION", "WHY");
            routes.forEach(route -> table.row(route.table(), route.topic(), route.partitionText(), route.why()));
            out.print(table.render());
        }
    }

    /** The count the producer routes over: configured, else the topic's (asking Kafka). */
    private static int partitionCount(TopicSettings settings, String topic) {
        if (settings.configuredPartitions().isPresent()) {
            return settings.configuredPartitions().getAsInt();
        }
        try (BrokerConnection connection = new BrokerConnection(settings)) {
            return connection.partitionOffsets(topic).size();
        }
    }
}
