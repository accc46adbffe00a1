package io.tributary.inspector;

import io.tributary.config.InvalidConfigException;
import io.tributary.config.InvalidUsageException;
import io.tributary.subscriber.SubscriberSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Option;

/**
 * What {@code dead-letters list} and {@code resend} share: which dead-letter topic, which letters, and reading them.
 * Kafka is reached as every other command reaches it ({@link TopicOptions}, {@link BrokerConnection}).
 */
abstract class DeadLetterCommand extends TopicCommand {

    @Option(names = "--dead-letter-topic", paramLabel = "<name>",
            description = "The dead-letter topic (default: the --subscriber-config's tributary.kafka.dead-letter-topic,"
                    + " else the change topic's name + .dlq, as the subscriber's default).")
    String deadLetterTopic;

    @Option(names = "--subscriber-config", paramLabel = "<file.conf>",
            description = "The subscriber's configuration file, read as the subscriber reads it (TRIBUTARY_*"
                    + " environment variables included), for its brokers (unless given otherwise), dead-letter topic"
                    + " and deletes.keep-for.")
    Path subscriberConfig;

    @Option(names = "--table", paramLabel = "<schema.table>", split = ",",
            description = "Only letters of this table; repeatable or comma-separated.")
    List<String> tables = new ArrayList<>();

    @Option(names = "--reason", paramLabel = "<text>",
            description = "Only letters whose kind is <text> (document_parsing_exception, not-a-change-event, …) or"
                    + " whose reason contains it, case ignored; repeatable (any of them).")
    List<String> reasons = new ArrayList<>();

    @Option(names = "--offsets", paramLabel = "<from[-to]>",
            description = "Only letters at these offsets of the dead-letter topic (12 or 12-40, both included), as"
                    + " list shows them.")
    String offsets;

    @Option(names = "--partition", paramLabel = "<n>", split = ",",
            description = "Only letters in these partitions of the dead-letter topic; repeatable or comma-separated.")
    List<Integer> partitions = new ArrayList<>();

    /** The subscriber's settings when {@code --subscriber-config} is given, read once. */
    private Optional<SubscriberSettings> subscriber;

    DeadLetterSelection selection() {
        return DeadLetterSelection.parse(tables, reasons, offsets, partitions);
    }

    /**
     * The dead-letter topic: the option, else the subscriber's configuration, else the subscriber's default.
     *
     * @throws InvalidUsageException when the subscriber's configuration is invalid, or the change topic is a
     *                               per-table pattern and no dead-letter topic is named
     */
    String deadLetterTopic(TopicSettings settings) {
        if (deadLetterTopic != null) {
            return deadLetterTopic;
        }
        if (subscriber().isPresent()) {
            return subscriber().get().kafka().deadLetterTopic();
        }
        if (settings.topicIsPattern()) {
            throw new InvalidUsageException("the topic '" + settings.topic() + "' is a per-table pattern, whose"
                    + " dead-letter topic is configured: pass --dead-letter-topic or --subscriber-config");
        }
        return settings.topic() + ".dlq";
    }

    /**
     * The clients of the Kafka cluster the letters are on: the brokers the options, the environment or the
     * {@code --producer-config} name, else the {@code --subscriber-config}'s.
     */
    BrokerConnection connect(TopicSettings settings) {
        boolean brokersGiven = options.bootstrapServers != null || options.producerConfig != null
                || !environment().getOrDefault(TopicOptions.BOOTSTRAP_VARIABLE, "").isBlank();
        Optional<SubscriberSettings> subscriber = brokersGiven ? Optional.empty() : subscriber();
        return subscriber.map(s -> new BrokerConnection(s.kafka().bootstrapServers(), s.kafka().properties(),
                settings.timeout())).orElseGet(() -> new BrokerConnection(settings));
    }

    /**
     * The subscriber's settings, when {@code --subscriber-config} is given.
     *
     * @throws InvalidUsageException when they are invalid, naming the file and the key
     */
    Optional<SubscriberSettings> subscriber() {
        if (subscriber == null) {
            try {
                subscriber = subscriberConfig == null ? Optional.empty()
                        : Optional.of(SubscriberSettings.load(subscriberConfig, environment()));
            } catch (InvalidConfigException e) {
                throw new InvalidUsageException("--subscriber-config " + subscriberConfig + ": " + e.getMessage(),
                        e);
            }
        }
        return subscriber;
    }

    /**
     * Reads the dead-letter topic from the start of each partition to the end it has now, handing each selected
     * letter to {@code sink} with the record it was read from.
     *
     * @return how many letters the partitions read hold, selected or not
     * @throws InspectionFailedException when the topic is missing or Kafka does not answer
     */
    static long readLetters(BrokerConnection connection, String topic, DeadLetterSelection selection,
                            BiConsumer<ConsumerRecord<byte[], byte[]>, DeadLetterRecord> sink) {
        PartitionReader reader = new PartitionReader(connection, topic);
        long read = 0;
        for (PartitionOffsets partition : connection.partitionOffsets(topic)) {
            if (selection.partitions().isEmpty() || selection.partitions().contains(partition.partition())) {
                read += partition.records();
                long from = selection.offsets().map(range -> Math.max(partition.start(), range.from()))
                        .orElse(partition.start());
                long until = selection.offsets().map(range -> Math.min(partition.end(), range.to() + 1))
                        .orElse(partition.end());
                reader.readRecords(partition.partition(), from, until, record -> {
                    DeadLetterRecord letter = DeadLetterRecord.read(record);
                    if (selection.matches(letter)) {
                        sink.accept(record, letter);
                    }
                });
            }
        }
        return read;
    }
}
