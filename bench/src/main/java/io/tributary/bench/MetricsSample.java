package io.tributary.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The few figures the benchmarks read from one scrape of a service's {@code /metrics} (Prometheus text format); the
 * other service's figures stay 0.
 *
 * @param atNanos       when the scrape answered ({@link System#nanoTime()})
 * @param flushedLsn    {@code tributary_producer_flushed_lsn}: the position reported to PostgreSQL as flushed
 * @param receivedLsn   {@code tributary_producer_received_lsn}: the WAL position of the last message read
 * @param events        the sum of {@code tributary_producer_events_total} over tables and operations
 * @param heapUsedBytes the sum of {@code jvm_memory_used_bytes} over the heap's pools
 * @param appliedDocuments the sum of {@code tributary_subscriber_documents_total} over indices and actions: the
 *                         subscriber's writes Elasticsearch accepted
 * @param snapshotRows     the sum of {@code tributary_producer_snapshot_rows} over tables: rows of the current (or
 *                         last) initial snapshot handed to Kafka
 * @param snapshotRunning  {@code tributary_producer_snapshot_running}: 1 while the initial snapshot runs, else 0
 */
public record MetricsSample(long atNanos, long flushedLsn, long receivedLsn, long events, long heapUsedBytes,
                     long appliedDocuments, long snapshotRows, int snapshotRunning) {

    /** One scrape of {@code request} (a service's /metrics), or null while the endpoint is not up yet. */
    static MetricsSample scrape(HttpClient http, HttpRequest request) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? parse(System.nanoTime(), response.body()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** @throws IllegalArgumentException when a value is not a number */
    static MetricsSample parse(long atNanos, String text) {
        double flushed = 0;
        double received = 0;
        double events = 0;
        double heap = 0;
        double applied = 0;
        double snapshotRows = 0;
        double snapshotRunning = 0;
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int nameEnd = line.indexOf('{');
            int valueStart = line.lastIndexOf(' ') + 1;
            String name = line.substring(0, nameEnd >= 0 ? nameEnd : valueStart - 1);
            switch (name) {
                case "tributary_producer_flushed_lsn" -> flushed = value(line, valueStart);
                case "tributary_producer_received_lsn" -> received = value(line, valueStart);
                case "tributary_producer_events_total" -> events += value(line, valueStart);
                case "tributary_subscriber_documents_total" -> applied += value(line, valueStart);
                case "tributary_producer_snapshot_rows" -> snapshotRows += value(line, valueStart);
                case "tributary_producer_snapshot_running" -> snapshotRunning = value(line, valueStart);
                case "jvm_memory_used_bytes" -> heap += line.contains("area=\"heap\"") ? value(line, valueStart) : 0;
                default -> {
                }
            }
        }
        // Gauges are doubles; LSNs and counts stay exact up to 2^53.
        return new MetricsSample(atNanos, (long) flushed, (long) received, (long) events, (long) heap,
                (long) applied, (long) snapshotRows, (int) snapshotRunning);
    }

    /**
     * The sum of every series of metric {@code name} in {@code text} whose labels contain {@code label} (e.g.
     * {@code document="orders"}; "" for any); 0 when there is none.
     */
    public static double sum(String text, String name, String label) {
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") && line.contains(label) || line.startsWith(name + " ") && label.isEmpty()) {
                sum += value(line, line.lastIndexOf(' ') + 1);
            }
        }
        return sum;
    }

    private static double value(String line, int start) {
        try {
            return Double.parseDouble(line.substring(start).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a metric value: '" + line + "'", e);
        }
    }
}
