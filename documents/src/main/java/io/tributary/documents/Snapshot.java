package io.tributary.documents;

import java.util.Arrays;

/**
 * A PostgreSQL snapshot ({@code pg_current_snapshot()}: {@code xmin:xmax:xip,…}, 64-bit transaction ids with their
 * epoch): which transactions a read saw, and the version a document read in it is written at.
 *
 * <p><b>The version orders reads by what they saw:</b> {@code xmax << 20 | (2^20 − 1 − min(|xip|, 2^20 − 1))}.
 * {@code xmax} (one past the newest completed transaction) never decreases, and a later snapshot sees everything an
 * earlier one saw; with equal {@code xmax} no newer transaction completed in between, so the in-progress list can only
 * have shrunk, and fewer in-progress transactions means strictly more seen. So a read that saw more is never written
 * below one that saw less, whichever finishes first, on whichever subscriber, on the primary or a replica (whose
 * snapshots are ordered the same way); equal versions saw the same transactions, hence wrote the same content.
 * {@code xmax} keeps 43 bits: 2,048 wraparound epochs.
 *
 * @param xip the transactions in progress, sorted
 */
public record Snapshot(long xmin, long xmax, long[] xip) {

    private static final int IN_PROGRESS_BITS = 20;
    private static final long IN_PROGRESS_MAX = (1L << IN_PROGRESS_BITS) - 1;

    public Snapshot {
        xip = xip.clone();
        Arrays.sort(xip);
    }

    /** @throws IllegalArgumentException when {@code text} is not {@code xmin:xmax:xip,…} */
    public static Snapshot parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a snapshot (xmin:xmax:xip,…): " + text);
        }
        long[] xip = parts[2].isEmpty() ? new long[0]
                : Arrays.stream(parts[2].split(",")).mapToLong(Long::parseLong).toArray();
        return new Snapshot(Long.parseLong(parts[0]), Long.parseLong(parts[1]), xip);
    }

    /** The external version documents read in this snapshot are written at. */
    public long version() {
        return xmax << IN_PROGRESS_BITS | (IN_PROGRESS_MAX - Math.min(xip.length, IN_PROGRESS_MAX));
    }

    /**
     * Whether the transaction with 32-bit id {@code xid} (as change events carry it) committed before this snapshot:
     * the id is placed in the epoch that puts it within 2^31 of {@code xmax} (ids in use never span more).
     * Id 0 (no transaction: a snapshot's read) counts as seen.
     */
    public boolean sees(long xid) {
        if (xid == 0) {
            return true;
        }
        long full = widen(xid);
        return full < xmin || full < xmax && Arrays.binarySearch(xip, full) < 0;
    }

    /** The 64-bit id of the 32-bit {@code xid}, relative to this snapshot. */
    long widen(long xid) {
        int distance = (int) ((xmax & 0xFFFF_FFFFL) - (xid & 0xFFFF_FFFFL));
        return xmax - distance;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Snapshot that && xmin == that.xmin && xmax == that.xmax
                && Arrays.equals(xip, that.xip);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(xmax) * 31 + Arrays.hashCode(xip);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder().append(xmin).append(':').append(xmax).append(':');
        for (int i = 0; i < xip.length; i++) {
            text.append(i == 0 ? "" : ",").append(xip[i]);
        }
        return text.toString();
    }
}
