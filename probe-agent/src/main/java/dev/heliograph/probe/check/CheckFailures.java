package dev.heliograph.probe.check;

import dev.heliograph.domain.Failure;
import dev.heliograph.probe.net.ResolutionException;
import io.netty.channel.ConnectTimeoutException;
import java.net.SocketTimeoutException;
import java.util.Locale;

/**
 * Why a check failed, typed and in words for an operator: the {@code failure} and {@code error} of a
 * {@code down} or {@code error} result.
 */
final class CheckFailures {
    private CheckFailures() {
    }

    /** A check that ran out of its timeout of {@code timeoutMs} (ms) after connecting. */
    static Fault timeout(long timeoutMs) {
        return new Fault(Failure.TIMEOUT, timeoutText(timeoutMs));
    }

    /** A failed name resolution of {@code host}. */
    static Fault dnsFailure(String host, Throwable cause) {
        if (cause instanceof ResolutionException failure) {
            return switch (failure.reason()) {
                case NO_SUCH_HOST -> new Fault(Failure.DNS_NXDOMAIN, "dns: no such host " + host);
                case NO_ADDRESS -> new Fault(Failure.DNS_NO_ADDRESS, "dns: no address for " + host);
                case TIMEOUT -> new Fault(Failure.DNS_TIMEOUT, "dns: timeout resolving " + host);
                case SERVER_FAILURE -> new Fault(Failure.DNS_SERVFAIL, "dns: " + failure.getMessage());
            };
        }
        return new Fault(Failure.DNS_SERVFAIL, "dns: " + cause);
    }

    /**
     * A failed connect, read or write, found along {@code cause}'s chain; a timeout is reported as the
     * check's budget {@code timeoutMs} (ms), as {@code connect_timeout} while {@code connecting}.
     */
    static Fault networkFailure(Throwable cause, long timeoutMs, boolean connecting) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (t instanceof ConnectTimeoutException || t instanceof SocketTimeoutException) {
                return new Fault(connecting ? Failure.CONNECT_TIMEOUT : Failure.TIMEOUT, timeoutText(timeoutMs));
            } else if (message.contains("connection refused")) {
                return new Fault(Failure.CONNECT_REFUSED, "connection refused");
            } else if (message.contains("connection reset") || message.contains("broken pipe")) {
                return new Fault(Failure.CONNECTION_RESET, "connection reset");
            } else if (message.contains("no route to host")) {
                return new Fault(Failure.NETWORK_UNREACHABLE, "no route to host");
            } else if (message.contains("network is unreachable")) {
                return new Fault(Failure.NETWORK_UNREACHABLE, "network unreachable");
            }
        }
        return new Fault(Failure.NETWORK, "network: " + (cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getMessage()));
    }

    /** {@code text} in double quotes, cut to its first 64 characters, for quoting a configured string. */
    static String quote(String text) {
        return "\"" + (text.length() > 64 ? text.substring(0, 64) : text) + "\"";
    }

    private static String timeoutText(long timeoutMs) {
        return "timeout after " + timeoutMs + " ms";
    }
}
