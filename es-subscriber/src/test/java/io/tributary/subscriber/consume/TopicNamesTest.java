package io.tributary.subscriber.consume;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TopicNamesTest {

    @Test
    void perTablePatternMatchesEveryTablesTopicAndNothingElse() {
        String pattern = "cdc.${schema}.${table}";
        assertTrue(TopicNames.isPattern(pattern));
        assertTrue(TopicNames.regex(pattern).matcher("cdc.shop.orders").matches());
        assertFalse(TopicNames.regex(pattern).matcher("cdcXshop.orders").matches(), "the dot is literal");
        assertFalse(TopicNames.regex(pattern).matcher("cdc.shop.orders.dlq").matches());
        assertFalse(TopicNames.isPattern("tributary.changes"));
    }
}
