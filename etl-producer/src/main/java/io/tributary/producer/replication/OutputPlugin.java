package io.tributary.producer.replication;

/**
 * The logical decoding output plugin a slot is created with and streamed through, and the options it is started
 * with. pgoutput sends binary messages of the tables in a publication; test_decoding sends a text line per change of
 * every table (no publication), with transaction ids and commit times, and without empty transactions. The options
 * each is started with depend on the server: {@link ServerVersion}.
 */
public enum OutputPlugin {

    /** pgoutput, protocol version 1, the tables of a publication. */
    PGOUTPUT("pgoutput"),
    /**
     * contrib's test_decoding: {@code include-xids}, {@code include-timestamp} and {@code skip-empty-xacts} on;
     * {@code include-rewrites} stays off, so the internal changes of a table rewrite are never sent.
     */
    TEST_DECODING("test_decoding");

    private final String pluginName;

    OutputPlugin(String pluginName) {
        this.pluginName = pluginName;
    }

    /** The plugin's name in PostgreSQL, as {@code pg_replication_slots.plugin} shows it. */
    public String pluginName() {
        return pluginName;
    }

    /** Whether the plugin streams only the tables of a publication (which must then exist). */
    public boolean needsPublication() {
        return this == PGOUTPUT;
    }

    /**
     * @param pluginName {@code pgoutput} or {@code test_decoding}
     * @throws IllegalArgumentException naming the supported plugins
     */
    public static OutputPlugin named(String pluginName) {
        for (OutputPlugin plugin : values()) {
            if (plugin.pluginName.equals(pluginName)) {
                return plugin;
            }
        }
        throw new IllegalArgumentException("unknown output plugin '" + pluginName + "' (supported: pgoutput,"
                + " test_decoding)");
    }

    @Override
    public String toString() {
        return pluginName;
    }
}
