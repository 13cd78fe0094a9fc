package dev.heliograph.probe.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressGuardTest {
    private static InetAddress ip(String literal) {
        return NameResolver.literal(literal);
    }

    @ParameterizedTest(name = "{0} is refused as {1}")
    @CsvSource(delimiter = '|', value = {
            "169.254.169.254 | cloud metadata address",
            "fd00:ec2::254 | cloud metadata address",
            "0.0.0.0 | unspecified address",
            "0.1.2.3 | unspecified address",
            ":: | unspecified address",
            "127.0.0.1 | loopback address",
            "127.255.0.9 | loopback address",
            "::1 | loopback address",
            "10.1.2.3 | private address (RFC 1918)",
            "172.16.0.1 | private address (RFC 1918)",
            "172.31.255.255 | private address (RFC 1918)",
            "192.168.1.1 | private address (RFC 1918)",
            "fc00::1 | private address (RFC 4193)",
            "fdff:1::2 | private address (RFC 4193)",
            "169.254.1.1 | link-local address",
            "fe80::1 | link-local address",
            "100.64.0.1 | CGNAT address (RFC 6598)",
            "100.127.255.254 | CGNAT address (RFC 6598)",
            "224.0.0.1 | multicast address",
            "239.255.255.250 | multicast address",
            "ff02::1 | multicast address",
            "240.0.0.1 | reserved address",
            "255.255.255.255 | reserved address",
            "::ffff:127.0.0.1 | loopback address",
            "::ffff:169.254.169.254 | cloud metadata address",
            "::ffff:10.0.0.1 | private address (RFC 1918)",
            "::127.0.0.1 | loopback address",
            "::ffff:0:127.0.0.1 | loopback address",
            "64:ff9b::a9fe:a9fe | cloud metadata address",
            "64:ff9b::10.0.0.1 | private address (RFC 1918)",
            "64:ff9b:1::a00:1 | local-use NAT64 address",
            "2002:7f00:1:: | loopback address",
            "2002:a9fe:a9fe::1 | cloud metadata address",
            "2001:0:4136:e378:8000:63bf:80ff:fffe | loopback address",
            "fec0::1 | site-local address",
            "100::1 | discard-only address",
            "2001:db8::1 | documentation address",
            "192.0.0.170 | reserved address (IETF protocol assignments)",
            "198.18.0.1 | reserved address (benchmarking)",
            "203.0.113.9 | documentation address"})
    void blockedClassesAreRefusedWithTheirReason(String address, String reason) {
        assertThat(AddressGuard.strict().refusal(ip(address))).hasValueSatisfying(r -> assertThat(r).startsWith(reason + " "));
    }

    @ParameterizedTest(name = "{0} is allowed")
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "172.15.255.255", "172.32.0.1", "100.63.255.255", "100.128.0.1",
            "2606:4700::1111", "::ffff:93.184.216.34", "64:ff9b::5db8:d822", "2002:5db8:d822::1"})
    void publicAddressesPass(String address) {
        assertThat(AddressGuard.strict().refusal(ip(address))).isEmpty();
    }

    @Test
    void allowListOpensOnlyItsNetworks() {
        AddressGuard guard = new AddressGuard(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("10.20.0.0/16")));
        assertThat(guard.refusal(ip("127.0.0.1"))).isEmpty();
        assertThat(guard.refusal(ip("::ffff:127.0.0.1"))).isEmpty();
        assertThat(guard.refusal(ip("10.20.5.5"))).isEmpty();
        assertThat(guard.refusal(ip("10.21.0.1"))).isPresent();
        assertThat(guard.refusal(ip("::1"))).isPresent();
        assertThat(guard.refusal(ip("169.254.169.254"))).isPresent();
    }

    @Test
    void mappedAddressesAreJudgedAsTheirIpv4() throws Exception {
        InetAddress mapped = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 127, 0, 0, 1});
        assertThat(AddressGuard.strict().refusal(mapped)).hasValueSatisfying(r -> assertThat(r).startsWith("loopback address"));
        assertThat(AddressGuard.unmapped(ip("::1"))).isEqualTo(ip("::1"));
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({"10.0.0.0/8, 10.255.0.1, true", "10.0.0.0/8, 11.0.0.1, false", "172.16.0.0/12, 172.31.1.1, true",
            "172.16.0.0/12, 172.32.1.1, false", "fe80::/10, febf::1, true", "fe80::/10, fec0::1, false",
            "192.0.2.7, 192.0.2.7, true", "192.0.2.7, 192.0.2.8, false", "0.0.0.0/0, 8.8.8.8, true", "::/0, 8.8.8.8, false"})
    void cidrContainment(String cidr, String address, boolean expected) {
        assertThat(Cidr.parse(cidr).contains(ip(address))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} is not a network")
    @ValueSource(strings = {"example.com/8", "10.0.0.0/33", "::/129", "10.0.0.0/x", ""})
    void badNetworksAreRefused(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
