package dev.heliograph.probe.agent.protocol;

/**
 * Body of {@code POST /agent/v1/register}.
 *
 * @param token   the one-time registration token ({@code hg_reg_...})
 * @param name    the agent's display name (host name by default), 1..200 characters
 * @param version the agent's software version
 */
public record RegisterRequest(String token, String name, String version) {
}
