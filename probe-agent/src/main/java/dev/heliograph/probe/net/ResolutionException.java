package dev.heliograph.probe.net;

/**
 * A host name could not be turned into an address. {@link #reason()} tells why, so that a missing
 * name and a resolver that did not answer produce distinct check errors.
 */
public final class ResolutionException extends Exception {
    /** Why resolution failed. */
    public enum Reason {
        /** The name does not exist (NXDOMAIN). */
        NO_SUCH_HOST,
        /** The name exists but has no A or AAAA record. */
        NO_ADDRESS,
        /** No resolver answered in time. */
        TIMEOUT,
        /** The resolver answered with a failure (SERVFAIL, refused, malformed). */
        SERVER_FAILURE
    }

    private final Reason reason;

    public ResolutionException(Reason reason, String message, Throwable cause) {
        super(message, cause, false, false);
        this.reason = reason;
    }

    /** Why resolution failed. */
    public Reason reason() {
        return reason;
    }
}
