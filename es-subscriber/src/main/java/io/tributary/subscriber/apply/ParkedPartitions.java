package io.tributary.subscriber.apply;

import io.tributary.subscriber.consume.Parking;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * The one {@link Parking} the consumer sees for {@link BulkApplier}: partitions left to background work of either kind
 * — joined documents' rebuilds ({@link JoinedDocuments}) or a truncate or sweep ({@link BackgroundSweeps}). A partition
 * is parked by at most one of them per apply (the other's work for it waits for the next apply of its records), and is
 * ready when the work of one is done and neither runs for it any more.
 *
 * <p>Used by the consumer thread.
 */
final class ParkedPartitions implements Parking {

    private final BackgroundSweeps sweeps;
    private JoinedDocuments documents;
    private Set<TopicPartition> parkedByLastApply = Set.of();

    ParkedPartitions(BackgroundSweeps sweeps) {
        this.sweeps = sweeps;
    }

    /** Joined documents park partitions too, from now on. */
    void add(JoinedDocuments documents) {
        this.documents = documents;
    }

    /** Records what the apply that just returned parked, of both kinds. */
    void parkedByApply(Set<TopicPartition> parked) {
        parkedByLastApply = Set.copyOf(parked);
    }

    @Override
    public Set<TopicPartition> parkedByLastApply() {
        return parkedByLastApply;
    }

    @Override
    public Set<TopicPartition> ready() throws ApplyFailedException {
        Set<TopicPartition> ready = new HashSet<>(sweeps.ready());
        Set<TopicPartition> running = new HashSet<>(sweeps.running());
        if (documents != null) {
            ready.addAll(documents.ready());
            running.addAll(documents.running());
        }
        ready.removeAll(running);
        return ready;
    }

    @Override
    public void cancel(Collection<TopicPartition> partitions) {
        sweeps.cancel(partitions);
        if (documents != null) {
            documents.cancel(partitions);
        }
    }
}
