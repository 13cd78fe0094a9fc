package dev.heliograph.probe.agent;

/**
 * An error the agent cannot recover from by retrying: no identity and no token or region, a refused
 * registration token, a token or saved identity of another region than {@code --region}, a revoked
 * key, an unreadable data directory. The process reports it in one line and exits with code 1.
 */
public final class AgentFatalException extends RuntimeException {
    /** A fatal error described by {@code message} (one line, no secrets). */
    public AgentFatalException(String message, Throwable cause) {
        super(message, cause);
    }
}
