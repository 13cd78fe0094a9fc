package dev.heliograph.domain;

import java.util.List;

/**
 * What to check and what counts as healthy: one record per protocol. Sealed, so that every switch
 * over it (executor factory, validation, storage) fails to compile until a new kind is wired in.
 */
public sealed interface CheckSpec permits HttpSpec, TcpSpec {
    /** The protocol of this spec. */
    CheckKind kind();

    /** The host name or IP literal the check connects to. */
    String host();

    /** Field errors of this spec, with field paths prefixed {@code spec.}; empty when valid. */
    List<FieldError> validate();
}
