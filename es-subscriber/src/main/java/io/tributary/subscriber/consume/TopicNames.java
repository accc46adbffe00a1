package io.tributary.subscriber.consume;

import java.util.regex.Pattern;

/**
 * Topic names as the producer writes them: one name, or a pattern with {@code ${schema}} and {@code ${table}}
 * (one topic per table), which the subscriber follows as a regular expression, new tables' topics included.
 */
public final class TopicNames {

    private TopicNames() {
    }

    public static boolean isPattern(String topic) {
        return topic.contains("${schema}") || topic.contains("${table}");
    }

    /** {@code cdc.${schema}.${table}} matches {@code cdc.shop.orders}; everything else matches itself. */
    public static Pattern regex(String topic) {
        String placeholders = "\\$\\{(schema|table)}";
        StringBuilder regex = new StringBuilder();
        int start = 0;
        java.util.regex.Matcher m = Pattern.compile(placeholders).matcher(topic);
        while (m.find()) {
            regex.append(Pattern.quote(topic.substring(start, m.start()))).append("[^.]+");
            start = m.end();
        }
        regex.append(Pattern.quote(topic.substring(start)));
        return Pattern.compile(regex.toString());
    }
}
