package io.tributary.producer.replication;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Map;

/**
 * The PostgreSQL server's version, and every choice the producer makes by it: the one place that knows what each
 * major can do.
 *
 * <p><b>Supported: 13 and later</b> (checked at startup by {@link #requireSupported()}). 13 is the first major with
 * {@code max_slot_wal_keep_size} and {@code pg_replication_slots.wal_status}, so a stopped producer's slot cannot
 * fill the disk and a slot PostgreSQL gave up on is recognised as lost (before 13 a slot keeps WAL without bound),
 * and the first one whose publications take partitioned tables. What the producer asks of each major:
 * <ul>
 *   <li>pgoutput {@code proto_version} 1 on every major (all of 13 to 18 speak it). The later versions add what the
 *       producer does not want: 2 (14) streams transactions before they commit, 3 (15) two-phase commits, 4 (16)
 *       parallel apply; {@code streaming} stays off, so every change arrives after its commit.</li>
 *   <li>pgoutput {@code messages} from 14 ({@link #showsLogicalMessages}): before, logical messages never reach a
 *       pgoutput stream, so incremental snapshots (whose watermarks are logical messages) need test_decoding on 13.</li>
 *   <li>{@code CREATE_REPLICATION_SLOT} with an option list from 15, the keyword form before
 *       ({@link #createSlotCommand}).</li>
 *   <li>Failover slots from 17 ({@link #hasFailoverSlots}); {@code pg_replication_slots.invalidation_reason} from 17
 *       ({@link #slotInvalidationColumns}).</li>
 * </ul>
 *
 * @param major   the major version, e.g. 17
 * @param version the server's own version text, e.g. {@code 17.11}, for messages
 */
public record ServerVersion(int major, String version) {

    /** The oldest major the producer streams from. */
    public static final int OLDEST_SUPPORTED_MAJOR = 13;

    /** The version of the server {@code connection} talks to (as the server announced it: no query). */
    public static ServerVersion of(Connection connection) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        return new ServerVersion(metaData.getDatabaseMajorVersion(), metaData.getDatabaseProductVersion());
    }

    /**
     * @return this version, when the producer supports it
     * @throws IllegalStateException naming the version found and the oldest supported one
     */
    public ServerVersion requireSupported() {
        if (major < OLDEST_SUPPORTED_MAJOR) {
            throw new IllegalStateException("PostgreSQL " + version + " is older than the producer supports:"
                    + " it needs PostgreSQL " + OLDEST_SUPPORTED_MAJOR + " or later (13 brought max_slot_wal_keep_size,"
                    + " which bounds the WAL a slot keeps); upgrade the server, or point tributary.postgres.url at"
                    + " one of version " + OLDEST_SUPPORTED_MAJOR + " or later");
        }
        return this;
    }

    /** Whether a stream of {@code plugin} shows logical messages ({@code pg_logical_emit_message}). */
    public boolean showsLogicalMessages(OutputPlugin plugin) {
        return plugin == OutputPlugin.TEST_DECODING || major >= 14;
    }

    /** Whether slots can be created with FAILOVER, so that standbys keep a synchronised copy. */
    public boolean hasFailoverSlots() {
        return major >= 17;
    }

    /**
     * Whether UPDATE and DELETE of a table in a publication fail when its REPLICA IDENTITY FULL takes in a stored
     * generated column that the publication does not publish ("Replica identity must not contain unpublished
     * generated columns").
     */
    public boolean refusesFullIdentityWithUnpublishedGeneratedColumns() {
        return major >= 18;
    }

    /**
     * The options START_REPLICATION passes to {@code plugin}.
     *
     * @param publication the publication pgoutput streams; test_decoding has none and ignores it
     */
    Map<String, String> slotOptions(OutputPlugin plugin, String publication) {
        return switch (plugin) {
            case PGOUTPUT -> showsLogicalMessages(plugin)
                    ? Map.of("proto_version", "1", "publication_names", publication, "messages", "true")
                    : Map.of("proto_version", "1", "publication_names", publication);
            case TEST_DECODING -> Map.of("include-xids", "1", "include-timestamp", "1", "skip-empty-xacts", "1");
        };
    }

    /**
     * The replication command that creates a logical slot of {@code plugin} and exports its snapshot: the option list
     * of 15 and later (the only form that takes FAILOVER, 17+), the older keyword form before. Slot names are
     * {@code [a-z0-9_]} (checked with the settings), so they need no quoting.
     */
    String createSlotCommand(String slot, OutputPlugin plugin, boolean failover) {
        if (major < 15) {
            return "CREATE_REPLICATION_SLOT " + slot + " LOGICAL " + plugin.pluginName() + " EXPORT_SNAPSHOT";
        }
        return "CREATE_REPLICATION_SLOT " + slot + " LOGICAL " + plugin.pluginName() + " (SNAPSHOT 'export'"
                + (failover ? ", FAILOVER true" : "") + ")";
    }

    /**
     * The two columns of {@code pg_replication_slots} that say whether PostgreSQL invalidated a slot:
     * {@code wal_status} and {@code invalidation_reason} (17+; a null text before).
     */
    String slotInvalidationColumns() {
        return major >= 17 ? "wal_status, invalidation_reason" : "wal_status, CAST(NULL AS text)";
    }

    @Override
    public String toString() {
        return "PostgreSQL " + version;
    }
}
