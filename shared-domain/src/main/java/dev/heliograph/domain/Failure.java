package dev.heliograph.domain;

import java.util.Locale;

/**
 * Why a check did not come back plainly {@code up}: the typed reason of a result, beside its
 * {@code error} text (which is for people). Breakers, bulkheads and the incident rules decide on this
 * type, never on the text (the failure signals of blackbox_exporter and the error classes of Grafana's
 * synthetic-monitoring agent are the model). The wire form is the lower-case name, e.g.
 * {@code connect_refused}.
 *
 * <p>Three classes matter to the incident rules ({@link #observation()}, {@link #configuration()}):
 * an <em>observation</em> says something about the target (it counts toward a region's failures or
 * successes); a <em>configuration</em> failure says the target cannot be checked as configured (its own
 * incident kind, {@code config_error}); the rest ({@code circuit_open}, {@code throttled},
 * {@code pool_saturated}, {@code internal}) say something about the prober and never count.
 */
public enum Failure {
    /** Nothing failed: an {@code up} result. */
    NONE,
    /** The name does not exist (NXDOMAIN). */
    DNS_NXDOMAIN,
    /** The name exists but has no address record. */
    DNS_NO_ADDRESS,
    /** No resolver answered in time. */
    DNS_TIMEOUT,
    /** The resolver answered with a failure (SERVFAIL, refused, malformed). */
    DNS_SERVFAIL,
    /** The TCP connection was refused. */
    CONNECT_REFUSED,
    /** The TCP connection was not made within the check's time. */
    CONNECT_TIMEOUT,
    /** The connection was reset or broken by the other side. */
    CONNECTION_RESET,
    /** No route to the host, or the network is unreachable. */
    NETWORK_UNREACHABLE,
    /** Another network-level failure. */
    NETWORK,
    /** The TLS handshake failed (untrusted or expired certificate, wrong name, protocol). */
    TLS_HANDSHAKE,
    /** The check ran out of its timeout after connecting (waiting for the answer or its body). */
    TIMEOUT,
    /** The answer broke the protocol (a malformed HTTP response). */
    INVALID_RESPONSE,
    /** The HTTP status was not one of the expected ones. */
    HTTP_STATUS,
    /** The body did not contain the expected text. */
    BODY_MISMATCH,
    /** A redirect could not or must not be followed (too many, bad location, secret body). */
    REDIRECT,
    /** A TCP check did not receive the expected text. */
    TCP_EXPECT,
    /** The answer was good but slower than {@code degraded_after_ms}: a {@code degraded} result. */
    SLOW,
    /** The spec cannot be checked as written (e.g. an unusable URL). */
    INVALID_SPEC,
    /** The SSRF guard refused the target's address. */
    BLOCKED_SSRF,
    /** The host's circuit breaker is open: the check did not run. */
    CIRCUIT_OPEN,
    /** The tenant's concurrency cap for the host was reached: the check did not run. */
    THROTTLED,
    /** No worker-pool slot came free in time: the check did not run. */
    POOL_SATURATED,
    /** The prober itself failed (a bug); the target was not judged. */
    INTERNAL;

    /** The wire form: the lower-case name, e.g. {@code dns_nxdomain}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the wire form; throws {@link IllegalArgumentException} for an unknown failure. */
    public static Failure fromWire(String text) {
        for (Failure failure : values()) {
            if (failure.wire().equals(text)) {
                return failure;
            }
        }
        throw new IllegalArgumentException("unknown failure: " + text);
    }

    /**
     * Whether a result with this failure is an observation of the target: it counts toward the
     * incident rules and uptime. {@code false} for configuration failures and for checks that did not
     * run or whose prober broke.
     */
    public boolean observation() {
        return !configuration() && this != CIRCUIT_OPEN && this != THROTTLED && this != POOL_SATURATED && this != INTERNAL;
    }

    /** Whether the target cannot be checked as configured ({@code invalid_spec}, {@code blocked_ssrf}). */
    public boolean configuration() {
        return this == INVALID_SPEC || this == BLOCKED_SSRF;
    }

    /**
     * Whether the host as a whole did not answer (name, connect, reset, network, TLS, timeout), as
     * opposed to a tenant's own assertion failing on an answer (status, body, redirect, expected text).
     */
    public boolean hostLevel() {
        return switch (this) {
            case DNS_NXDOMAIN, DNS_NO_ADDRESS, DNS_TIMEOUT, DNS_SERVFAIL, CONNECT_REFUSED, CONNECT_TIMEOUT, CONNECTION_RESET,
                    NETWORK_UNREACHABLE, NETWORK, TLS_HANDSHAKE, TIMEOUT, INVALID_RESPONSE -> true;
            default -> false;
        };
    }
}
