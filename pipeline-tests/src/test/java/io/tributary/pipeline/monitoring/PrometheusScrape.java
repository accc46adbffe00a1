package io.tributary.pipeline.monitoring;

import java.util.Set;
import java.util.TreeSet;

/** Reads a {@code /metrics} answer in Prometheus text format. */
final class PrometheusScrape {

    private PrometheusScrape() {
    }

    /**
     * The names of the samples in {@code body} as a query sees them, suffixes included ({@code _total},
     * {@code _count}, {@code _sum}, {@code _max}); comment lines ({@code # HELP}, {@code # TYPE}) are skipped.
     */
    static Set<String> sampleNames(String body) {
        Set<String> names = new TreeSet<>();
        for (String line : body.split("\n")) {
            String sample = line.strip();
            if (sample.isEmpty() || sample.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < sample.length() && sample.charAt(end) != '{' && !Character.isWhitespace(sample.charAt(end))) {
                end++;
            }
            names.add(sample.substring(0, end));
        }
        return names;
    }
}
