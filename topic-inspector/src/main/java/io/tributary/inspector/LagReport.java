package io.tributary.inspector;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.model.ChangeEventJson;
import java.util.List;

/** The {@code lag} report: the group's state, then each partition's committed offset, end, lag and owner. */
record LagReport(String group, String bootstrapServers, String state, int members, List<PartitionLag> partitions) {

    LagReport {
        partitions = partitions.stream().sorted(PartitionLag.BY_TOPIC_AND_PARTITION).toList();
    }

    /** The sum of the lags of the partitions that have a committed offset. */
    long totalLag() {
        return partitions.stream().mapToLong(partition -> partition.lag().orElse(0)).sum();
    }

    String text() {
        StringBuilder text = new StringBuilder("Consumer group ").append(group).append(" on ")
                .append(bootstrapServers).append(": state ").append(state).append(", ").append(members)
                .append(members == 1 ? " member" : " members").append("\n\n");
        TextTable table = new TextTable("TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "MEMBER", "CLIENT", "HOST");
        for (PartitionLag partition : partitions) {
            table.row(partition.topic(), partition.partition(),
                    partition.committed().isPresent() ? partition.committed().getAsLong() : "-",
                    partition.end(),
                    partition.lag().isPresent() ? partition.lag().getAsLong() : "-",
                    partition.owner().map(PartitionLag.Owner::memberId).orElse("-"),
                    partition.owner().map(PartitionLag.Owner::clientId).orElse("-"),
                    partition.owner().map(PartitionLag.Owner::host).orElse("-"));
        }
        text.append(table.isEmpty() ? "No partitions.\n" : table.render());
        text.append("\nTotal lag: ").append(totalLag()).append(" records");
        if (partitions.stream().anyMatch(partition -> partition.committed().isEmpty())) {
            text.append(" (partitions without a committed offset, shown as -, are not counted)");
        }
        return text.append('\n').toString();
    }

    ObjectNode json() {
        ObjectNode report = ChangeEventJson.mapper().createObjectNode();
        report.put("group", group);
        report.put("bootstrapServers", bootstrapServers);
        report.put("state", state);
        report.put("members", members);
        report.put("totalLag", totalLag());
        ArrayNode list = report.putArray("partitions");
        for (PartitionLag partition : partitions) {
            ObjectNode node = list.addObject();
            node.put("topic", partition.topic());
            node.put("partition", partition.partition());
            if (partition.committed().isPresent()) {
                node.put("committed", partition.committed().getAsLong());
                node.put("lag", partition.lag().getAsLong());
            } else {
                node.putNull("committed");
                node.putNull("lag");
            }
            node.put("end", partition.end());
            partition.owner().ifPresentOrElse(owner -> {
                ObjectNode member = node.putObject("member");
                member.put("memberId", owner.memberId());
                member.put("clientId", owner.clientId());
                member.put("host", owner.host());
            }, () -> node.putNull("member"));
        }
        return report;
    }
}
