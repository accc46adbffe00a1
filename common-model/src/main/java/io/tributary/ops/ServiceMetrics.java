package io.tributary.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Arrays;

/**
 * Creates a service's Prometheus registry, tagged with the service name and carrying the JVM's own metrics.
 *
 * <p>Every timer and distribution summary of the registry is exported as a Prometheus histogram, never with
 * client-side quantiles, so that it adds up across instances: {@link #HISTOGRAMS_ONLY} drops any percentiles a meter
 * asks for, and gives a timer declared without buckets (the JVM's {@code jvm.gc.pause}) the
 * {@link HistogramBuckets#request()} buckets and a summary without buckets Micrometer's default histogram. The
 * services' own meters declare their buckets ({@link HistogramBuckets}).
 */
public final class ServiceMetrics {

    static final MeterFilter HISTOGRAMS_ONLY = new MeterFilter() {
        @Override
        public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
            if (id.getType() != Meter.Type.TIMER && id.getType() != Meter.Type.DISTRIBUTION_SUMMARY) {
                return config;
            }
            DistributionStatisticConfig.Builder histogram = DistributionStatisticConfig.builder()
                    .percentiles(new double[0]);
            boolean hasBuckets = Boolean.TRUE.equals(config.isPercentileHistogram())
                    || (config.getServiceLevelObjectiveBoundaries() != null
                    && config.getServiceLevelObjectiveBoundaries().length > 0);
            if (!hasBuckets && id.getType() == Meter.Type.TIMER) {
                histogram.serviceLevelObjectives(Arrays.stream(HistogramBuckets.request())
                        .mapToDouble(Duration::toNanos).toArray());
            } else if (!hasBuckets) {
                histogram.percentilesHistogram(true);
            }
            return histogram.build().merge(config);
        }
    };

    private ServiceMetrics() {
    }

    public static PrometheusMeterRegistry newRegistry(String serviceName) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("service", serviceName).meterFilter(HISTOGRAMS_ONLY);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // Kept for the registry's lifetime: a service has one registry and it lives as long as the process.
        @SuppressWarnings("resource")
        JvmGcMetrics gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        return registry;
    }
}
