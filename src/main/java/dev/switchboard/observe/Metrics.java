package dev.switchboard.observe;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The gateway's own metrics, rendered in the Prometheus text format (version 0.0.4) for
 * {@code GET /metrics}. Deliberately tiny: counters and gauges without labels, registered once at
 * wiring time; incrementing a counter is one {@link LongAdder} add, safe from any thread.
 * Registering a name twice returns the first registration for a counter and fails for a gauge
 * (two suppliers of one value would be a wiring mistake).
 */
public final class Metrics {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** A value that only goes up. */
    public static final class Counter {
        private final LongAdder value = new LongAdder();

        public void increment() {
            value.increment();
        }

        public long get() {
            return value.sum();
        }
    }

    private sealed interface Metric permits CounterMetric, GaugeMetric {
        String help();
    }

    private record CounterMetric(String help, Counter counter) implements Metric {}

    private record GaugeMetric(String help, LongSupplier value) implements Metric {}

    /** Sorted by name, so the page reads the same on every scrape. */
    private final Map<String, Metric> metrics = new ConcurrentSkipListMap<>();

    public Counter counter(String name, String help) {
        check(name, help);
        Metric m = metrics.computeIfAbsent(name, n -> new CounterMetric(help, new Counter()));
        if (!(m instanceof CounterMetric c)) throw new IllegalArgumentException(name + " is already registered as a gauge");
        return c.counter();
    }

    public void gauge(String name, String help, LongSupplier value) {
        check(name, help);
        if (metrics.putIfAbsent(name, new GaugeMetric(help, value)) != null) {
            throw new IllegalArgumentException(name + " is already registered");
        }
    }

    /** The exposition text: HELP, TYPE and one sample per metric. */
    public String render() {
        StringBuilder out = new StringBuilder(64 * metrics.size());
        metrics.forEach((name, m) -> {
            long value = switch (m) {
                case CounterMetric c -> c.counter().get();
                case GaugeMetric g -> g.value().getAsLong();
            };
            out.append("# HELP ").append(name).append(' ').append(m.help()).append('\n')
                    .append("# TYPE ").append(name).append(' ').append(m instanceof CounterMetric ? "counter" : "gauge").append('\n')
                    .append(name).append(' ').append(value).append('\n');
        });
        return out.toString();
    }

    private static void check(String name, String help) {
        if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("not a Prometheus metric name: '" + name + "'");
        if (help.indexOf('\n') >= 0 || help.indexOf('\\') >= 0) throw new IllegalArgumentException("help of " + name + " must be one plain line");
    }
}
