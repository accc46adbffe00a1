package io.tributary.pipeline.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PromqlMetricNamesTest {

    @Test
    void findsABareMetricName() {
        assertEquals(Set.of("tributary_producer_streaming"), PromqlMetricNames.in("tributary_producer_streaming"));
    }

    @Test
    void skipsLabelMatchersAndTheirValuesEvenWhenTheyLookLikeMetricsOrHoldBraces() {
        assertEquals(Set.of("jvm_memory_used_bytes"), PromqlMetricNames.in(
                "jvm_memory_used_bytes{area=\"heap\", job=~\"other_metric|x{1}\", id!='a\\'b}'}"));
    }

    @Test
    void skipsFunctionsRangesAndGrafanaIntervals() {
        assertEquals(Set.of("tributary_subscriber_documents_total"), PromqlMetricNames.in(
                "rate(tributary_subscriber_documents_total{job=~\"$job\"}[$__rate_interval])"));
        assertEquals(Set.of("a_total"), PromqlMetricNames.in("max_over_time(rate(a_total[5m])[1h:1m])"));
    }

    @Test
    void skipsAggregationsAndTheLabelListsOfTheirGroupingClausesOnEitherSide() {
        assertEquals(Set.of("x_total", "y"), PromqlMetricNames.in(
                "sum by (job, instance) (rate(x_total[5m])) / on(job) group_left(service) max without (pod) (y)"));
        assertEquals(Set.of("x_total"), PromqlMetricNames.in("sum(rate(x_total[5m])) by (index, action)"));
        assertEquals(Set.of("z"), PromqlMetricNames.in("topk (3, z) or count_values(\"v\", z)"));
    }

    @Test
    void readsKeywordsInAnyCaseButMetricNamesAsWritten() {
        assertEquals(Set.of("Lag", "x_total"), PromqlMetricNames.in("SUM BY (job) (x_total) AND Lag"));
    }

    @Test
    void skipsSetOperatorsOffsetsNumbersAndComparisons() {
        assertEquals(Set.of("dead_letters_total"), PromqlMetricNames.in(
                "dead_letters_total unless dead_letters_total offset 10m > bool 1.5e3 and 0x1f < .5 or 3 * 1024"));
    }

    @Test
    void skipsHistogramQuantileAndItsLeLabel() {
        assertEquals(Set.of("latency_seconds_bucket"), PromqlMetricNames.in(
                "histogram_quantile(0.99, sum by (le) (rate(latency_seconds_bucket[5m])))"));
    }

    @Test
    void findsMetricsOnEveryLineAndSkipsComments() {
        assertEquals(Set.of("a", "b"), PromqlMetricNames.in("a > 0 # not_a_metric here\nor\nb == 0"));
    }

    @Test
    void skipsGrafanaVariablesOutsideStrings() {
        assertEquals(Set.of("lag"), PromqlMetricNames.in("lag > $threshold or lag > ${other_threshold}"));
    }

    @Test
    void findsNothingInAConstant() {
        assertTrue(PromqlMetricNames.in("vector(1) * 2").isEmpty());
    }

    @Test
    void throwsNamingTheExpressionWhenABraceIsNotClosed() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> PromqlMetricNames.in("up{job=\"x\""));
        assertTrue(error.getMessage().contains("up{job=\"x\""), error.getMessage());
    }

    @Test
    void throwsWhenAStringIsNotClosed() {
        assertThrows(IllegalArgumentException.class, () -> PromqlMetricNames.in("up{job=\"x}"));
    }
}
