package io.tributary.producer;

import io.tributary.localstack.PostgresMajor;
import io.tributary.producer.replication.OutputPlugin;
import io.tributary.producer.replication.ServerVersion;
import java.util.Arrays;
import java.util.List;

/**
 * Which PostgreSQL majors the producer's ITs run on, by {@link ServerVersion#OLDEST_SUPPORTED_MAJOR}: for
 * {@code @MethodSource("io.tributary.producer.TestedMajors#supported")} and the like.
 */
final class TestedMajors {

    private TestedMajors() {
    }

    /** Every major the local stack has that the producer supports, oldest first. */
    static List<PostgresMajor> supported() {
        return Arrays.stream(PostgresMajor.values())
                .filter(major -> major.number() >= ServerVersion.OLDEST_SUPPORTED_MAJOR).toList();
    }

    /** The oldest supported major and the configured default (the stack's, or the one -Ppg-matrix runs). */
    static List<PostgresMajor> oldestAndDefault() {
        return List.of(supported().get(0), PostgresMajor.configuredDefault()).stream().distinct().toList();
    }

    /**
     * The plugin incremental snapshots run on with a server of {@code major}: pgoutput where it shows their watermarks
     * (see {@link ServerVersion#showsLogicalMessages}), else test_decoding.
     */
    static OutputPlugin incrementalSnapshotPlugin(int major) {
        return new ServerVersion(major, Integer.toString(major)).showsLogicalMessages(OutputPlugin.PGOUTPUT)
                ? OutputPlugin.PGOUTPUT : OutputPlugin.TEST_DECODING;
    }

    /** The newest major the local stack has that the producer refuses. */
    static PostgresMajor newestUnsupported() {
        return Arrays.stream(PostgresMajor.values())
                .filter(major -> major.number() < ServerVersion.OLDEST_SUPPORTED_MAJOR)
                .reduce((older, newer) -> newer).orElseThrow();
    }
}
