package dev.heliograph.probe.agent.protocol;

/**
 * Answer to a registration: the agent's identity. {@code agentKey} is shown this once; the agent
 * keeps it in its data directory (mode 0600) and signs every later request with it.
 *
 * @param pollHoldS          how long the server holds a work poll, s
 * @param heartbeatIntervalS how often the server expects to hear from the agent, s
 * @param caCertificate      the PEM certificate of the CA that issued the agent server's certificate;
 *                           the agent trusts only this CA from then on (pinning)
 */
public record RegisterResponse(String agentId, String agentKey, String region, int pollHoldS, int heartbeatIntervalS,
                               String caCertificate) {
}
