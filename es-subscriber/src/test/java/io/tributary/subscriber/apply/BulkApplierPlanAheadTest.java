package io.tributary.subscriber.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.index.ElasticsearchClientFactory;
import io.tributary.index.SearchEngine;
import io.tributary.index.mapping.TableMappings;
import io.tributary.model.ChangeEvent;
import io.tributary.model.ChangeEventJson;
import io.tributary.model.Lsn;
import io.tributary.model.Operation;
import io.tributary.model.SourceInfo;
import io.tributary.subscriber.SubscriberSettings;
import io.tributary.subscriber.events.ReceivedChange;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which batches {@link BulkApplier#planAhead} plans before their turn: those whose plan Elasticsearch cannot change. */
class BulkApplierPlanAheadTest {

    /** Never connected to: planning ahead does no I/O. */
    private final SubscriberSettings settings = SubscriberSettings.of(ConfigFactory.parseString("""
            tributary.kafka { bootstrap-servers = "127.0.0.1:9", topic = changes, group-id = g }
            tributary.elasticsearch.urls = "http://127.0.0.1:9"
            """));
    private final BulkApplier applier = new BulkApplier(
            ElasticsearchClientFactory.create(settings.elasticsearch().connection(), SearchEngine.ELASTICSEARCH),
            SearchEngine.ELASTICSEARCH, new SimpleMeterRegistry(), new TableMappings(settings.tables()),
            settings.elasticsearch().bulk(), settings.elasticsearch().sweeps(), Clock.systemUTC());

    @AfterEach
    void close() {
        applier.close();
    }

    private static ObjectNode row(long id) {
        return ChangeEventJson.mapper().createObjectNode().put("id", id).put("title", "t" + id);
    }

    private static ReceivedChange change(Operation op, long id, long lsn, String... unchanged) {
        ObjectNode row = row(id);
        ObjectNode key = ChangeEventJson.mapper().createObjectNode().put("id", id);
        SourceInfo source = new SourceInfo("app", "shop", "docs", Lsn.of(lsn), Lsn.of(lsn), 7, null);
        return ReceivedChange.of(switch (op) {
            case DELETE -> new ChangeEvent(op, source, key, key, null);
            case TRUNCATE -> new ChangeEvent(op, source, ChangeEventJson.mapper().createObjectNode(), null, null);
            default -> new ChangeEvent(op, source, key, null, row, List.of(unchanged));
        });
    }

    @Test
    void rowChangesThatNeedNothingStoredArePlannedAheadForExactlyTheirList() {
        List<ReceivedChange> events = new ArrayList<>(List.of(change(Operation.CREATE, 1, 10),
                change(Operation.UPDATE, 2, 11), change(Operation.DELETE, 3, 12)));

        Optional<PlannedAhead> ahead = applier.planAhead(events);

        assertTrue(ahead.isPresent(), "inserts, whole-row updates and deletes need nothing Elasticsearch holds");
        BatchPlan plan = ahead.get().planFor(events);
        assertNotNull(plan);
        assertEquals(3, plan.writes().size());
        assertNull(ahead.get().planFor(new ArrayList<>(events)), "another list, even an equal one, is planned anew");
    }

    @Test
    void anUpdateWithUnchangedColumnsIsPlannedInItsTurnAfterTheStoredDocumentIsRead() {
        List<ReceivedChange> events = List.of(change(Operation.CREATE, 1, 10),
                change(Operation.UPDATE, 1, 11, "body"));

        assertTrue(applier.planAhead(events).isEmpty(),
                "the stored document it takes values from may be written by the batch before");
    }

    @Test
    void aTruncateIsPlannedInItsTurn() {
        List<ReceivedChange> events = List.of(change(Operation.CREATE, 1, 10), change(Operation.TRUNCATE, 0, 11));

        assertTrue(applier.planAhead(events).isEmpty(), "a truncate is a sweep: a barrier applied in its turn");
    }
}
