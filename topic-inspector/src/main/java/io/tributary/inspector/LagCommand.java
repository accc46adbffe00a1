package io.tributary.inspector;

import io.tributary.inspector.PartitionLag.Owner;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lag}: a consumer group's committed offsets, the end offsets, the lag and the owner of each partition. */
@Command(name = "lag",
        description = {"A consumer group's committed offset, the end offset and the lag of each partition, and the"
                + " member (consumer id, client id, host) consuming it now.",
                "Lists the topic's partitions and every partition the group has an offset for or is assigned."})
final class LagCommand extends TopicCommand {

    @Option(names = "--group", required = true, paramLabel = "<id>",
            description = "The consumer group (es-subscriber's tributary.kafka.group-id).")
    String group;

    @Override
    void inspect(TopicSettings settings, PrintWriter out) {
        try (BrokerConnection connection = new BrokerConnection(settings)) {
            LagReport report = report(connection, settings);
            if (jsonOutput()) {
                printJson(out, report.json());
            } else {
                out.print(report.text());
            }
        }
    }

    private LagReport report(BrokerConnection connection, TopicSettings settings) {
        Admin admin = connection.admin();
        ConsumerGroupDescription description = connection.await(
                admin.describeConsumerGroups(List.of(group)).describedGroups().get(group),
                "describing consumer group " + group);
        Map<TopicPartition, OffsetAndMetadata> committed = connection.await(
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(),
                "listing the committed offsets of consumer group " + group);
        if (description.groupState() == GroupState.DEAD && committed.isEmpty()) {
            throw new InspectionFailedException("consumer group " + group + " does not exist on "
                    + settings.bootstrapServers() + " (no members, no committed offsets); check --group");
        }
        Map<TopicPartition, Owner> owners = new HashMap<>();
        for (MemberDescription member : description.members()) {
            Owner owner = new Owner(member.consumerId(), member.clientId(), member.host());
            member.assignment().topicPartitions().forEach(partition -> owners.put(partition, owner));
        }
        Set<TopicPartition> partitions = new HashSet<>(committed.keySet());
        partitions.addAll(owners.keySet());
        if (!settings.topicIsPattern()) {
            connection.partitionOffsets(settings.topic()).forEach(offsets ->
                    partitions.add(new TopicPartition(settings.topic(), offsets.partition())));
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResultInfo> ends = connection.await(admin.listOffsets(latest).all(),
                "listing the end offsets of the group's partitions");
        List<PartitionLag> lags = partitions.stream().map(partition -> {
            OffsetAndMetadata offset = committed.get(partition);
            return new PartitionLag(partition.topic(), partition.partition(),
                    offset == null ? OptionalLong.empty() : OptionalLong.of(offset.offset()),
                    ends.get(partition).offset(), Optional.ofNullable(owners.get(partition)));
        }).toList();
        return new LagReport(group, settings.bootstrapServers(), description.groupState().toString(),
                description.members().size(), lags);
    }
}
