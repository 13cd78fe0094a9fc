package dev.heliograph.controlplane.tls;

/**
 * The control plane cannot set up TLS: a certificate or key file is unreadable, malformed or does not
 * match, or the TLS directory cannot be written. Its message is one line for the operator, naming the
 * file and what to do; it carries no key material.
 */
public final class TlsSetupException extends Exception {
    /** A failure described by {@code message} (one line). */
    public TlsSetupException(String message) {
        super(message);
    }
}
