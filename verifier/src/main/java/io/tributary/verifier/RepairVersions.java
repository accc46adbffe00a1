package io.tributary.verifier;

import java.util.OptionalLong;

/**
 * The version ({@code source.lsn}) of a repair event: one more than the version of the document it was computed
 * against, or 1 when there was no document.
 *
 * <p>Why: Elasticsearch holds, as each document's external version, the LSN of the last change the subscriber applied
 * to it. Every real change of the row made after that one has a higher LSN (changes of one row are serialised by the
 * row's lock, and each WAL record takes more than one byte, so no later change can have exactly that LSN + 1). A
 * repair at {@code version + 1} therefore replaces exactly the stale state it was computed against, and loses to
 * every real change — whether that change reaches Elasticsearch before the repair, after it, or again in a replay.
 * Using PostgreSQL's current WAL position instead would be wrong: a transaction still in flight may hold a change of
 * the row with a lower LSN that commits later, and the subscriber would then reject that real change as stale.
 *
 * <p>docs/design.md ("verify --repair: versions") has the same argument. Stateless.
 */
final class RepairVersions {

    private RepairVersions() {
    }

    /**
     * The version of an {@code op = r} event re-sending a row that is missing ({@code storedVersion} empty) or whose
     * document differs from it.
     */
    static long forRow(OptionalLong storedVersion) {
        return storedVersion.isPresent() ? after(storedVersion.getAsLong()) : 1;
    }

    /** The version of an {@code op = d} event deleting a document whose row does not exist. */
    static long forOrphan(long storedVersion) {
        return after(storedVersion);
    }

    private static long after(long version) {
        if (version < 0 || version == Long.MAX_VALUE) {
            throw new IllegalArgumentException("a document version must be 0 to " + (Long.MAX_VALUE - 1)
                    + " to be repaired, got " + version);
        }
        return version + 1;
    }
}
