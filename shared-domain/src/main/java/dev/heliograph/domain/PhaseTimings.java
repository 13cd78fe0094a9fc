package dev.heliograph.domain;

/**
 * Where the time of one check went, in ms (fractional): name resolution, TCP connect, TLS handshake
 * (0 for plain connections), time to the first response byte after the request was sent, and the
 * whole check. A phase that did not happen is 0.
 */
public record PhaseTimings(double dnsMs, double connectMs, double tlsMs, double ttfbMs, double totalMs) {
    /** No phase happened. */
    public static final PhaseTimings NONE = new PhaseTimings(0, 0, 0, 0, 0);

    /** These timings with {@code totalMs} replaced. */
    public PhaseTimings withTotal(double total) {
        return new PhaseTimings(dnsMs, connectMs, tlsMs, ttfbMs, total);
    }

    /** The phase-wise sum of two timings (used over redirect hops). */
    public PhaseTimings plus(PhaseTimings other) {
        return new PhaseTimings(dnsMs + other.dnsMs, connectMs + other.connectMs, tlsMs + other.tlsMs,
                ttfbMs + other.ttfbMs, totalMs + other.totalMs);
    }
}
