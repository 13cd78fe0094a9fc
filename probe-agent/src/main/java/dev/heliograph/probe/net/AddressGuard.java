package dev.heliograph.probe.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The SSRF guard: decides whether a check may connect to a resolved address. Refused unless an
 * allow-listed network contains them: cloud metadata addresses (169.254.169.254, fd00:ec2::254),
 * unspecified (0.0.0.0/8, ::), loopback (127.0.0.0/8, ::1), private (RFC 1918; RFC 4193 fc00::/7),
 * link-local (169.254.0.0/16, fe80::/10), CGNAT (RFC 6598, 100.64.0.0/10), multicast
 * (224.0.0.0/4, ff00::/8) and reserved (240.0.0.0/4 including broadcast). IPv4-mapped IPv6
 * addresses (::ffff:a.b.c.d) are judged as the IPv4 address they carry.
 *
 * <p>Callers resolve once, ask the guard, and connect to that very address, so a second DNS answer
 * (rebinding) cannot slip past; every redirect hop is resolved and judged anew.
 */
public final class AddressGuard {
    private static final List<Blocked> BLOCKED = List.of(
            new Blocked("169.254.169.254/32", "cloud metadata address"),
            new Blocked("fd00:ec2::254/128", "cloud metadata address"),
            new Blocked("0.0.0.0/8", "unspecified address"),
            new Blocked("::/128", "unspecified address"),
            new Blocked("127.0.0.0/8", "loopback address"),
            new Blocked("::1/128", "loopback address"),
            new Blocked("10.0.0.0/8", "private address (RFC 1918)"),
            new Blocked("172.16.0.0/12", "private address (RFC 1918)"),
            new Blocked("192.168.0.0/16", "private address (RFC 1918)"),
            new Blocked("fc00::/7", "private address (RFC 4193)"),
            new Blocked("169.254.0.0/16", "link-local address"),
            new Blocked("fe80::/10", "link-local address"),
            new Blocked("100.64.0.0/10", "CGNAT address (RFC 6598)"),
            new Blocked("224.0.0.0/4", "multicast address"),
            new Blocked("ff00::/8", "multicast address"),
            new Blocked("240.0.0.0/4", "reserved address"));

    private final List<Cidr> allowed;

    /** A guard that permits the blocked classes only inside {@code allowed} networks. */
    public AddressGuard(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** A guard with an empty allow-list. */
    public static AddressGuard strict() {
        return new AddressGuard(List.of());
    }

    /** Why a check must not connect to {@code address}, e.g. {@code "loopback address 127.0.0.1"}; empty when it may. */
    public Optional<String> refusal(InetAddress address) {
        InetAddress judged = unmapped(address);
        if (allowed.stream().anyMatch(cidr -> cidr.contains(judged) || cidr.contains(address))) {
            return Optional.empty();
        }
        return BLOCKED.stream()
                .filter(blocked -> blocked.network.contains(judged))
                .findFirst()
                .map(blocked -> blocked.reason + " " + address.getHostAddress() + " is not allowed (probe.allowed_cidrs)");
    }

    /** The IPv4 address inside an IPv4-mapped IPv6 address, or the address itself. */
    static InetAddress unmapped(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != 16) {
            return address;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return address;
            }
        }
        if (bytes[10] != (byte) 0xFF || bytes[11] != (byte) 0xFF) {
            return address;
        }
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Blocked(Cidr network, String reason) {
        Blocked(String cidr, String reason) {
            this(Cidr.parse(cidr), reason);
        }
    }
}
