package io.tributary.producer.snapshot;

import java.util.Objects;

/**
 * How the initial snapshot runs ({@code tributary.postgres.snapshot.*}).
 *
 * @param mode        when to take it
 * @param chunkSize   rows read per query (keyset page or cursor fetch); bounds the memory of each reader
 * @param parallelism tables read at once, each by its own connection
 */
public record SnapshotSettings(SnapshotMode mode, int chunkSize, int parallelism) {

    public SnapshotSettings {
        Objects.requireNonNull(mode, "mode");
        if (chunkSize < 1 || parallelism < 1) {
            throw new IllegalArgumentException("chunkSize and parallelism must be at least 1, got " + chunkSize
                    + " and " + parallelism);
        }
    }

    /** Whether a slot created now gets a snapshot. */
    public boolean snapshotsNewSlots() {
        return mode != SnapshotMode.NEVER;
    }
}
