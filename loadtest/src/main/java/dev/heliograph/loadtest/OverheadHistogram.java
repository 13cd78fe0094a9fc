package dev.heliograph.loadtest;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The control plane's {@code heliograph_result_overhead_seconds} histogram as its Prometheus scrape
 * shows it (cumulative bucket counts since start), read at a window's start and end; the
 * difference gives the window's percentiles. A percentile is interpolated linearly inside its
 * bucket, as PromQL's {@code histogram_quantile} does, so it is as exact as the buckets (about 10 %
 * apart).
 */
public final class OverheadHistogram {
    /** The metric's Prometheus name. */
    public static final String METRIC = "heliograph_result_overhead_seconds";
    private static final Pattern BUCKET = Pattern.compile("^" + METRIC + "_bucket\\{le=\"([^\"]+)\"} ([0-9.eE+]+)$", Pattern.MULTILINE);

    /**
     * Upper bounds (seconds, ascending, the last {@code +Inf}) with cumulative counts.
     *
     * @param bounds     bucket upper bounds in s
     * @param cumulative results at or below each bound
     */
    public record Snapshot(double[] bounds, double[] cumulative) {
        /** Results in the snapshot. */
        public double count() {
            return cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
        }
    }

    private OverheadHistogram() {
    }

    /**
     * The histogram now.
     *
     * @throws IllegalStateException the registry has no such meter (the batcher was not bound)
     */
    public static Snapshot read(PrometheusMeterRegistry registry) {
        Matcher m = BUCKET.matcher(registry.scrape());
        List<double[]> rows = new ArrayList<>();
        while (m.find()) {
            double bound = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
            rows.add(new double[] {bound, Double.parseDouble(m.group(2))});
        }
        if (rows.isEmpty()) {
            throw new IllegalStateException("the control plane exports no " + METRIC);
        }
        rows.sort((a, b) -> Double.compare(a[0], b[0]));
        return new Snapshot(rows.stream().mapToDouble(r -> r[0]).toArray(), rows.stream().mapToDouble(r -> r[1]).toArray());
    }

    /**
     * Quantile {@code q} (0..1) in ms of the results recorded between {@code from} and {@code to}
     * (two snapshots of the same histogram); NaN when none were.
     */
    public static double quantileMs(Snapshot from, Snapshot to, double q) {
        double[] bounds = to.bounds();
        double total = to.count() - from.count();
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double below = 0;
        for (int i = 0; i < bounds.length; i++) {
            double upTo = to.cumulative()[i] - (i < from.cumulative().length ? from.cumulative()[i] : 0);
            if (upTo >= rank && upTo > below) {
                double lower = i == 0 ? 0 : bounds[i - 1];
                if (Double.isInfinite(bounds[i])) {
                    return lower * 1000;
                }
                return (lower + (bounds[i] - lower) * (rank - below) / (upTo - below)) * 1000;
            }
            below = upTo;
        }
        return bounds.length > 1 ? bounds[bounds.length - 2] * 1000 : Double.NaN;
    }
}
