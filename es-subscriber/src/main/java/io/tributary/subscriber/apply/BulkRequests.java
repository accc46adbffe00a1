package io.tributary.subscriber.apply;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits writes, in their order, into bulk requests of at most {@code maxActions} operations and at most about
 * {@code maxBytes} ({@link PlannedWrite#estimatedBytes()}). A write is never split (an update that moved its row
 * deletes the old document in the same request that indexes the new one); a write larger than a limit on its own
 * goes in a request of its own.
 */
final class BulkRequests {

    private BulkRequests() {
    }

    static List<List<PlannedWrite>> split(List<PlannedWrite> writes, int maxActions, long maxBytes) {
        List<List<PlannedWrite>> requests = new ArrayList<>();
        List<PlannedWrite> request = new ArrayList<>();
        int actions = 0;
        long bytes = 0;
        for (PlannedWrite write : writes) {
            int writeActions = write.actions().size();
            long writeBytes = write.estimatedBytes();
            if (!request.isEmpty() && (actions + writeActions > maxActions || bytes + writeBytes > maxBytes)) {
                requests.add(request);
                request = new ArrayList<>();
                actions = 0;
                bytes = 0;
            }
            request.add(write);
            actions += writeActions;
            bytes += writeBytes;
        }
        if (!request.isEmpty()) {
            requests.add(request);
        }
        return requests;
    }
}
