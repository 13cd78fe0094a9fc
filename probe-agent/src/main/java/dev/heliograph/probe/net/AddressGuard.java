package dev.heliograph.probe.net;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Decides whether a check may connect to a resolved address. Today it refuses loopback addresses
 * unless the configuration allows them ({@code probe.allow_loopback}); the full SSRF guard
 * (private ranges, metadata addresses, CIDR allow-lists) builds on this class.
 */
public final class AddressGuard {
    private final boolean allowLoopback;

    public AddressGuard(boolean allowLoopback) {
        this.allowLoopback = allowLoopback;
    }

    /** Why a check must not connect to {@code address}, or empty when it may. */
    public Optional<String> refusal(InetAddress address) {
        if (!allowLoopback && address.isLoopbackAddress()) {
            return Optional.of("loopback address " + address.getHostAddress() + " is not allowed (probe.allow_loopback)");
        }
        return Optional.empty();
    }
}
