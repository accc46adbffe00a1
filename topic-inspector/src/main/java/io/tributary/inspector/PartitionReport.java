package io.tributary.inspector;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Routing;
import io.tributary.model.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The {@code partitions} report: each partition's offsets and the tables the producer routes to it, then the
 * records counted per table, each with where the routing sends that table (so a table found in a partition it is
 * not routed to stands out), as text tables or JSON.
 */
final class PartitionReport {

    private final TopicSettings settings;
    private final Routing routing;
    private final List<PartitionContents> partitions;
    private final Map<Integer, List<TableId>> routedTables;

    PartitionReport(TopicSettings settings, Routing routing, List<PartitionContents> partitions) {
        this.settings = settings;
        this.routing = routing;
        this.partitions = List.copyOf(partitions);
        this.routedTables = routedTables();
    }

    /**
     * The tables with a fixed partition, by partition: the producer's configured tables, the pinned ones and every
     * table found in the topic. With partition-by = key only pinned tables have one.
     */
    private Map<Integer, List<TableId>> routedTables() {
        TreeSet<TableId> tables = new TreeSet<>(PartitionContents.BY_NAME);
        tables.addAll(settings.configuredTables());
        tables.addAll(settings.pins().keySet());
        partitions.forEach(contents -> tables.addAll(contents.recordsPerTable().keySet()));
        Map<Integer, List<TableId>> routed = new TreeMap<>();
        for (TableId table : tables) {
            TableRoute route = TableRoute.of(routing, table, Optional.empty());
            route.partition().ifPresent(partition ->
                    routed.computeIfAbsent(partition, any -> new ArrayList<>()).add(table));
        }
        return routed;
    }

    String text() {
        StringBuilder text = new StringBuilder();
        text.append("Topic ").append(routing.topic()).append(" on ").append(settings.bootstrapServers()).append(": ")
                .append(partitions.size()).append(" partitions; ").append(settings.describeRouting(routing))
                .append("\n\n");
        TextTable offsets = new TextTable("PARTITION", "START", "END", "RECORDS", "ROUTED HERE");
        for (PartitionContents contents : partitions) {
            List<TableId> here = routedTables.getOrDefault(contents.partition(), List.of());
            offsets.row(contents.partition(), contents.offsets().start(), contents.offsets().end(),
                    contents.offsets().records(), here.isEmpty() ? "-"
                            : here.stream().map(TableId::toString).collect(Collectors.joining(", ")));
        }
        text.append(offsets.render()).append('\n');
        TextTable tables = new TextTable("PARTITION", "TABLE", "RECORDS", "ROUTED TO");
        for (PartitionContents contents : partitions) {
            contents.recordsPerTable().forEach((table, count) ->
                    tables.row(contents.partition(), table, count, routedTo(table, contents.partition())));
            if (contents.undecodable() > 0) {
                tables.row(contents.partition(), "(undecodable)", contents.undecodable(), "-");
            }
        }
        text.append(tables.isEmpty() ? "No records.\n" : tables.render());
        for (PartitionContents contents : partitions) {
            if (contents.capped()) {
                text.append("note: partition ").append(contents.partition()).append(": counted the last ")
                        .append(contents.counted()).append(" of ").append(contents.offsets().records())
                        .append(" records (offsets ").append(contents.countedFrom()).append(" to ")
                        .append(contents.offsets().end() - 1).append("); raise --max-records to count more\n");
            }
        }
        return text.toString();
    }

    private String routedTo(TableId table, int partition) {
        TableRoute route = TableRoute.of(routing, table, Optional.empty());
        String reason = switch (route.reason()) {
            case PINNED -> "pinned";
            case TABLE_HASH -> "table hash";
            case KEY_HASH, DEPENDS_ON_KEY -> "key hash";
        };
        if (route.partition().isEmpty()) {
            return "any (" + reason + ")";
        }
        String text = route.partition().getAsInt() + " (" + reason + ")";
        return route.partition().getAsInt() == partition ? text : text + " -- NOT this partition";
    }

    ObjectNode json() {
        ObjectNode report = ChangeEventJson.mapper().createObjectNode();
        report.put("topic", routing.topic());
        report.put("bootstrapServers", settings.bootstrapServers());
        ObjectNode routingNode = report.putObject("routing");
        routingNode.put("partitionBy", routing.partitionBy().name().toLowerCase(Locale.ROOT));
        routingNode.put("partitions", routing.partitions());
        ObjectNode pins = routingNode.putObject("pins");
        settings.pins().forEach((table, partition) -> pins.put(table.toString(), partition));
        ArrayNode list = report.putArray("partitions");
        for (PartitionContents contents : partitions) {
            ObjectNode node = list.addObject();
            node.put("partition", contents.partition());
            node.put("start", contents.offsets().start());
            node.put("end", contents.offsets().end());
            ArrayNode here = node.putArray("routedTables");
            routedTables.getOrDefault(contents.partition(), List.of()).forEach(table -> here.add(table.toString()));
            ObjectNode counts = node.putObject("recordsPerTable");
            contents.recordsPerTable().forEach((table, count) -> counts.put(table.toString(), count));
            node.put("undecodable", contents.undecodable());
            node.put("countedFrom", contents.countedFrom());
            node.put("capped", contents.capped());
        }
        return report;
    }
}
