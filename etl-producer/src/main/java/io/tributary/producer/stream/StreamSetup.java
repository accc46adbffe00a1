package io.tributary.producer.stream;

import io.tributary.model.TableId;
import io.tributary.producer.decoding.StreamedTable;
import io.tributary.producer.replication.ServerVersion;
import io.tributary.shaping.TypeNames;
import io.tributary.shaping.ValueConverter;
import java.util.List;
import java.util.Optional;

/**
 * What {@link StreamStartup} checked and set up, once, before the first session: every session streams with it.
 *
 * @param database     the database the slot decodes
 * @param tables       the streamed tables, the configured names and patterns resolved
 * @param topics       the topics the changes go to (one, or one per table), created when missing
 * @param server       the server's version, which every version-dependent choice asks
 * @param converter    turns the tables' values into JSON, with the server's type catalog
 * @param testDecoding the catalog test_decoding's text needs (its tables' shapes and type names); empty with pgoutput
 */
public record StreamSetup(String database, List<TableId> tables, List<String> topics, ServerVersion server,
                          ValueConverter converter, Optional<TestDecodingCatalog> testDecoding) {

    public StreamSetup {
        tables = List.copyOf(tables);
        topics = List.copyOf(topics);
    }

    /** The shapes test_decoding does not send: loaded from the catalog at startup. */
    public record TestDecodingCatalog(List<StreamedTable> tables, TypeNames typeNames) {

        public TestDecodingCatalog {
            tables = List.copyOf(tables);
        }
    }
}
