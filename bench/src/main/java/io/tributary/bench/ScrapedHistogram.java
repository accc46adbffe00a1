package io.tributary.bench;

import java.util.Map;
import java.util.TreeMap;

/**
 * One Prometheus histogram read from a scrape of a service's {@code /metrics}: the cumulative count of each bucket
 * bound ({@code <name>_bucket{le="..."}}), summed over the histogram's series as {@code sum by (le)} does. Two scrapes
 * give the observations between them ({@link #minus}); {@link #quantile} estimates a quantile as PromQL's
 * {@code histogram_quantile} does, by linear interpolation inside the bucket holding it. Immutable.
 */
final class ScrapedHistogram {

    /** Cumulative counts by upper bound, {@code +Inf} as {@link Double#POSITIVE_INFINITY}. */
    private final TreeMap<Double, Double> buckets;

    private ScrapedHistogram(TreeMap<Double, Double> buckets) {
        this.buckets = buckets;
    }

    /** The histogram {@code name} (without {@code _bucket}) in {@code text}; empty when the scrape has none. */
    static ScrapedHistogram parse(String text, String name) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        String prefix = name + "_bucket{";
        for (String line : text.split("\n")) {
            if (!line.startsWith(prefix)) {
                continue;
            }
            int le = line.indexOf("le=\"");
            if (le < 0) {
                throw new IllegalArgumentException("a bucket without le: '" + line + "'");
            }
            String bound = line.substring(le + 4, line.indexOf('"', le + 4));
            double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
            double count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
            buckets.merge(upper, count, Double::sum);
        }
        return new ScrapedHistogram(buckets);
    }

    /** The observations made after {@code earlier} (a scrape of the same process). */
    ScrapedHistogram minus(ScrapedHistogram earlier) {
        TreeMap<Double, Double> difference = new TreeMap<>();
        for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
            difference.put(bucket.getKey(), bucket.getValue() - earlier.buckets.getOrDefault(bucket.getKey(), 0.0));
        }
        return new ScrapedHistogram(difference);
    }

    /** How many observations the histogram holds. */
    long count() {
        return buckets.isEmpty() ? 0 : Math.round(buckets.lastEntry().getValue());
    }

    /**
     * The {@code q} quantile (0.99 for p99) in the histogram's unit; NaN without observations. In the {@code +Inf}
     * bucket it is the highest finite bound, as in PromQL.
     */
    double quantile(double q) {
        double total = buckets.isEmpty() ? 0 : buckets.lastEntry().getValue();
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double lowerBound = 0;
        double countBelow = 0;
        for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
            if (bucket.getValue() >= rank) {
                if (bucket.getKey().isInfinite()) {
                    return lowerBound;
                }
                double inBucket = bucket.getValue() - countBelow;
                return inBucket <= 0 ? bucket.getKey()
                        : lowerBound + (bucket.getKey() - lowerBound) * (rank - countBelow) / inBucket;
            }
            lowerBound = bucket.getKey();
            countBelow = bucket.getValue();
        }
        return lowerBound;
    }
}
