package dev.heliograph.probe.check;

import dev.heliograph.probe.net.ResolutionException;
import io.netty.channel.ConnectTimeoutException;
import java.net.SocketTimeoutException;
import java.util.Locale;

/** Why a check failed, in words for an operator: the {@code error} of a {@code down} or {@code error} result. */
final class CheckFailures {
    private CheckFailures() {
    }

    /** The reason for a check that ran out of its timeout of {@code timeoutMs} (ms). */
    static String timeout(long timeoutMs) {
        return "timeout after " + timeoutMs + " ms";
    }

    /** The reason for a failed name resolution of {@code host}. */
    static String dnsFailure(String host, Throwable cause) {
        if (cause instanceof ResolutionException failure) {
            return switch (failure.reason()) {
                case NO_SUCH_HOST -> "dns: no such host " + host;
                case NO_ADDRESS -> "dns: no address for " + host;
                case TIMEOUT -> "dns: timeout resolving " + host;
                case SERVER_FAILURE -> "dns: " + failure.getMessage();
            };
        }
        return "dns: " + cause;
    }

    /**
     * The reason for a failed connect, read or write, found along {@code cause}'s chain; a timeout is
     * reported as the check's budget {@code timeoutMs} (ms).
     */
    static String networkFailure(Throwable cause, long timeoutMs) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (t instanceof ConnectTimeoutException || t instanceof SocketTimeoutException) {
                return timeout(timeoutMs);
            } else if (message.contains("connection refused")) {
                return "connection refused";
            } else if (message.contains("connection reset") || message.contains("broken pipe")) {
                return "connection reset";
            } else if (message.contains("no route to host")) {
                return "no route to host";
            } else if (message.contains("network is unreachable")) {
                return "network unreachable";
            }
        }
        return "network: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
    }

    /** {@code text} in double quotes, cut to its first 64 characters, for quoting a configured string. */
    static String quote(String text) {
        return "\"" + (text.length() > 64 ? text.substring(0, 64) : text) + "\"";
    }
}
