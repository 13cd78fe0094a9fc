package dev.heliograph.probe.agent;

import java.time.Duration;

/**
 * A request to the control plane's agent server that did not get the answer it wanted: no answer at
 * all ({@link #status} 0: refused connection, timeout, reset) or an unexpected HTTP status, with the
 * error envelope's code and message when there was one. {@link #kind} says what the caller does next;
 * {@link #classify} is the one table that maps statuses to it.
 */
public final class AgentCallException extends RuntimeException {
    /** What the caller does next. */
    public enum Kind {
        /** Try again later, with backoff and jitter (or after {@code Retry-After}). */
        TRANSIENT,
        /** The control plane does not accept this agent (or token): stop and report. */
        REFUSED,
        /** The control plane rejected this request as malformed: sending it again unchanged will not help. */
        REJECTED
    }

    private final int status;
    private final String code;
    private final Duration retryAfter;
    private final boolean untrusted;

    private AgentCallException(String message, int status, String code, Duration retryAfter, Throwable cause) {
        this(message, status, code, retryAfter, cause, false);
    }

    private AgentCallException(String message, int status, String code, Duration retryAfter, Throwable cause, boolean untrusted) {
        super(message, cause);
        this.untrusted = untrusted;
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    /** A request that got no answer: {@code cause} says why. */
    static AgentCallException unanswered(String request, Throwable cause) {
        return new AgentCallException(request + ": no answer (" + cause.getMessage() + ")", 0, null, null, cause);
    }

    /**
     * A request whose TLS peer is not the pinned control plane (its certificate does not chain to the
     * pinned CA or does not name the host): {@link Kind#REFUSED}, so the agent stops instead of retrying.
     */
    static AgentCallException untrusted(String message, Throwable cause) {
        return new AgentCallException(message, 0, null, null, cause, true);
    }

    /** Whether the control plane's certificate was not trusted (see {@link #untrusted(String, Throwable)}). */
    public boolean untrusted() {
        return untrusted;
    }

    /** A request answered with {@code status}; {@code code}, {@code detail} and {@code retryAfter} may be null. */
    static AgentCallException answered(String request, int status, String code, String detail, Duration retryAfter) {
        String message = request + ": HTTP " + status + (code == null ? "" : " " + code)
                + (detail == null || detail.isBlank() ? "" : ": " + detail);
        return new AgentCallException(message, status, code, retryAfter, null);
    }

    /**
     * The table: no answer, 408, 425, 429 and 5xx are {@link Kind#TRANSIENT}; 401 and 403
     * {@link Kind#REFUSED}; every other status {@link Kind#REJECTED}.
     */
    public static Kind classify(int status) {
        if (status == 0 || status == 408 || status == 425 || status == 429 || status >= 500) {
            return Kind.TRANSIENT;
        }
        if (status == 401 || status == 403) {
            return Kind.REFUSED;
        }
        return Kind.REJECTED;
    }

    /** What the caller does next, by {@link #classify}. */
    public Kind kind() {
        return untrusted ? Kind.REFUSED : classify(status);
    }

    /** The HTTP status, 0 when there was no answer. */
    public int status() {
        return status;
    }

    /** The error envelope's code, or {@code null}. */
    public String code() {
        return code;
    }

    /** The server's {@code Retry-After}, or {@code null} when it sent none. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
