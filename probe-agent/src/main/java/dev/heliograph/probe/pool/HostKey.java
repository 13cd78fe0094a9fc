package dev.heliograph.probe.pool;

import dev.heliograph.domain.CheckSpec;
import dev.heliograph.domain.HttpSpec;
import dev.heliograph.domain.TcpSpec;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * The host and port a check connects to first, as the per-host breakers and per-tenant bulkheads
 * key them: the host lower-cased (names and IP literals as written, not resolved), the port
 * explicit or the scheme's default (80 for {@code http}, 443 for {@code https}). Redirect hops do
 * not change the key: they are part of the first host's check.
 */
public record HostKey(String host, int port) {
    /**
     * The key of {@code spec}'s first connection; empty when the spec names no host (an HTTP URL that
     * does not parse, a TCP spec without host or port), which the executor reports as {@code error}.
     */
    public static Optional<HostKey> of(CheckSpec spec) {
        return switch (spec) {
            case HttpSpec http -> ofUri(http.uri());
            case TcpSpec tcp -> tcp.host() == null || tcp.host().isBlank() || tcp.port() == null ? Optional.empty()
                    : Optional.of(new HostKey(lower(tcp.host()), tcp.port()));
        };
    }

    private static Optional<HostKey> ofUri(URI uri) {
        if (uri == null || uri.getHost() == null) {
            return Optional.empty();
        }
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return Optional.of(new HostKey(lower(uri.getHost()), port));
    }

    private static String lower(String host) {
        return host.trim().toLowerCase(Locale.ROOT);
    }
}
