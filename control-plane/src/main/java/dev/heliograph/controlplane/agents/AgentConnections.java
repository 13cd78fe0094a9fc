package dev.heliograph.controlplane.agents;

/**
 * The agents' held work polls, as the drain sees them (Talaria's "device connections"). Both
 * methods are thread-safe.
 */
public interface AgentConnections {
    /** Agents holding a work poll now. */
    int connected();

    /**
     * Closes one held poll with 503 and {@code Retry-After}, so that its agent comes back later;
     * {@code false} when no poll is held.
     */
    boolean disconnectOne();
}
