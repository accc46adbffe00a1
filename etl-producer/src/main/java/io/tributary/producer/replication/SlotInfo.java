package io.tributary.producer.replication;

import io.tributary.model.Lsn;

/**
 * What PostgreSQL holds about the replication slot.
 *
 * @param confirmedFlushLsn the position the slot's consumer last confirmed; streaming resumes after it
 * @param createdNow        whether this start created the slot
 */
public record SlotInfo(String name, Lsn confirmedFlushLsn, boolean createdNow) {
}
