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
 * (224.0.0.0/4, ff00::/8), reserved, documentation and benchmarking ranges (240.0.0.0/4 with
 * broadcast, 192.0.0.0/24, 198.18.0.0/15, TEST-NETs, 2001:db8::/32, fec0::/10, 100::/64). IPv6
 * forms that carry an IPv4 address are judged as that IPv4 address: IPv4-mapped (::ffff:a.b.c.d),
 * IPv4-compatible (::a.b.c.d), SIIT (::ffff:0:a.b.c.d), NAT64 (64:ff9b::a.b.c.d), 6to4
 * (2002:AABB:CCDD::) and Teredo (2001:0::/32, client address inverted); the local-use NAT64 prefix
 * 64:ff9b:1::/48 is refused whole.
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
            new Blocked("240.0.0.0/4", "reserved address"),
            new Blocked("192.0.0.0/24", "reserved address (IETF protocol assignments)"),
            new Blocked("198.18.0.0/15", "reserved address (benchmarking)"),
            new Blocked("192.0.2.0/24", "documentation address"),
            new Blocked("198.51.100.0/24", "documentation address"),
            new Blocked("203.0.113.0/24", "documentation address"),
            new Blocked("fec0::/10", "site-local address"),
            new Blocked("100::/64", "discard-only address"),
            new Blocked("2001:db8::/32", "documentation address"),
            new Blocked("64:ff9b:1::/48", "local-use NAT64 address"));

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

    /**
     * The IPv4 address an IPv6 address carries (mapped, compatible, SIIT, NAT64, 6to4, Teredo), or
     * the address itself when it carries none.
     */
    static InetAddress unmapped(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length != 16) {
            return address;
        }
        byte[] v4 = null;
        if (zero(b, 0, 10) && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF) {
            v4 = Arrays.copyOfRange(b, 12, 16); // ::ffff:a.b.c.d
        } else if (zero(b, 0, 12) && !(zero(b, 12, 15) && (b[15] == 0 || b[15] == 1))) {
            v4 = Arrays.copyOfRange(b, 12, 16); // ::a.b.c.d (not :: or ::1)
        } else if (zero(b, 0, 8) && (b[8] & 0xFF) == 0xFF && (b[9] & 0xFF) == 0xFF && zero(b, 10, 12)) {
            v4 = Arrays.copyOfRange(b, 12, 16); // ::ffff:0:a.b.c.d
        } else if (b[0] == 0 && b[1] == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B && zero(b, 4, 12)) {
            v4 = Arrays.copyOfRange(b, 12, 16); // 64:ff9b::a.b.c.d (RFC 6052)
        } else if (b[0] == 0x20 && b[1] == 0x02) {
            v4 = Arrays.copyOfRange(b, 2, 6); // 2002:AABB:CCDD:: (RFC 3056)
        } else if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
            v4 = new byte[4]; // Teredo: the client address is stored inverted (RFC 4380)
            for (int i = 0; i < 4; i++) {
                v4[i] = (byte) ~b[12 + i];
            }
        }
        if (v4 == null) {
            return address;
        }
        try {
            return InetAddress.getByAddress(v4);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean zero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private record Blocked(Cidr network, String reason) {
        Blocked(String cidr, String reason) {
            this(Cidr.parse(cidr), reason);
        }
    }
}
