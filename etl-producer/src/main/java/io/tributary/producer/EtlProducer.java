package io.tributary.producer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.ops.ServiceLauncher;
import io.tributary.ops.ServiceLoop;
import io.tributary.model.Lsn;
import io.tributary.producer.ChangeStreamer.StreamPositions;
import io.tributary.producer.ChangeStreamer.StreamingLimits;
import io.tributary.producer.decoding.ChangeAssembler;
import io.tributary.producer.publish.AckTracker;
import io.tributary.producer.publish.KafkaProducerFactory;
import io.tributary.producer.publish.KafkaPublisher;
import io.tributary.producer.publish.TopicSetup;
import io.tributary.producer.replication.SlotInfo;
import io.tributary.producer.replication.SlotSetup;
import io.tributary.producer.replication.WalStream;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The walreceiver service: prepares PostgreSQL and Kafka, then streams the slot into the topic on one thread until
 * closed or failed.
 *
 * <p>Lifecycle: {@link #start()} does the setup (any problem there is thrown to the caller, who should exit), then
 * streams in the background; {@link #close()} stops reading, waits for Kafka to acknowledge what was sent, reports
 * the final flushed position to PostgreSQL and closes everything. A failure while streaming ends the stream without
 * reporting anything Kafka does not hold; {@link #failure()} then tells why. Thread-safe.
 */
public final class EtlProducer implements ServiceLauncher.Service {

    private static final Logger LOG = LoggerFactory.getLogger(EtlProducer.class);

    private final ProducerSettings settings;
    private final MeterRegistry metrics;
    private final AtomicLong receivedLsn = new AtomicLong();
    private final AtomicLong flushedLsn = new AtomicLong();
    private final ServiceLoop loop = new ServiceLoop("tributary-replication");

    public EtlProducer(ProducerSettings settings, MeterRegistry metrics) {
        this.settings = settings;
        this.metrics = metrics;
        Gauge.builder("tributary.producer.received.lsn", receivedLsn, AtomicLong::get)
                .description("WAL position of the last message received from the slot").register(metrics);
        Gauge.builder("tributary.producer.flushed.lsn", flushedLsn, AtomicLong::get)
                .description("WAL position last reported to PostgreSQL as flushed (safely in Kafka)").register(metrics);
        Gauge.builder("tributary.producer.streaming", () -> loop.isRunning() ? 1 : 0)
                .description("1 while the slot is being streamed").register(metrics);
    }

    /**
     * Prepares the database and topic, opens the stream and starts streaming in the background.
     *
     * @throws IllegalStateException or SQLException with what to fix, when setup fails
     */
    @Override
    public synchronized void start() throws SQLException {
        SlotSetup setup = new SlotSetup(settings.postgres());
        setup.checkWalLevel();
        String database = setup.databaseName();
        setup.ensurePublication(settings.publication(), settings.tables());
        SlotInfo slot = setup.ensureSlot(settings.slot());
        TopicSetup.ensureTopic(settings.kafkaBootstrapServers(), settings.kafkaProperties(), settings.topic(),
                settings.partitions(), settings.replicationFactor());

        AckTracker tracker = new AckTracker(slot.confirmedFlushLsn());
        Gauge.builder("tributary.producer.unacknowledged.events", tracker, AckTracker::unacknowledgedEvents)
                .description("Events sent to Kafka and not yet acknowledged").register(metrics);
        KafkaPublisher publisher = new KafkaPublisher(
                KafkaProducerFactory.create(settings.kafkaBootstrapServers(), settings.kafkaProperties(),
                        "tributary-etl-producer-" + settings.slot()),
                settings.topic(), settings.partitions(), tracker, metrics);
        WalStream stream;
        try {
            stream = WalStream.open(settings.postgres(), settings.slot(), settings.publication(),
                    settings.statusInterval());
        } catch (SQLException | RuntimeException e) {
            publisher.close();
            throw e;
        }
        flushedLsn.set(slot.confirmedFlushLsn().value());
        ChangeStreamer streamer = new ChangeStreamer(stream, new ChangeAssembler(database), publisher, tracker,
                new StreamingLimits(settings.maxUnacknowledgedEvents(), settings.statusInterval()),
                Clock.systemUTC(), new StreamPositions(receivedLsn, flushedLsn));
        LOG.info("streaming slot {} of {} (publication {}, from {}) to topic {} ({} partitions)", settings.slot(),
                database, settings.publication(), slot.confirmedFlushLsn(), settings.topic(), settings.partitions());
        loop.start(streamer::runOnce,
                () -> {
                    streamer.drainAndReportFinalPosition();
                    LOG.info("stopped streaming slot {}; flushed position {}", settings.slot(), flushedLsn());
                },
                () -> {
                    quietlyClose(stream);
                    publisher.close();
                    loop.failure().ifPresent(e -> LOG.error("streaming slot {} stopped at received position {};"
                            + " last flushed position {}", settings.slot(), Lsn.of(receivedLsn.get()), flushedLsn()));
                });
    }

    /** True while the slot is being streamed (the readiness probe). */
    @Override
    public boolean isReady() {
        return loop.isRunning();
    }

    /** Why streaming ended, if it ended by failing. */
    @Override
    public Optional<Throwable> failure() {
        return loop.failure();
    }

    /** Blocks until streaming has ended, by {@link #close()} or by a failure. */
    @Override
    public void awaitTermination() throws InterruptedException {
        loop.awaitTermination();
    }

    /** The position last reported to PostgreSQL as flushed. */
    public Lsn flushedLsn() {
        return Lsn.of(flushedLsn.get());
    }

    /** Stops gracefully: see the class description. Idempotent. */
    @Override
    public void close() throws InterruptedException {
        loop.stop();
    }

    private static void quietlyClose(WalStream stream) {
        try {
            stream.close();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("closing the replication connection failed: {}", e.getMessage());
        }
    }
}
