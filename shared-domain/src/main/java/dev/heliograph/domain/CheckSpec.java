package dev.heliograph.domain;

import java.util.Comparator;
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

    /** The plain-text secret values this spec holds (see {@link HttpSpec}); empty when none. */
    default List<String> secretValues() {
        return List.of();
    }

    /**
     * {@code text} with every occurrence of a secret value of this spec replaced by {@code ***}, for
     * check results, error messages and logs; {@code null} stays {@code null}.
     */
    default String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String redacted = text;
        // Longest first, so that a secret containing a shorter one is replaced whole.
        for (String secret : secretValues().stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            redacted = redacted.replace(secret, HttpSpec.MASK);
        }
        return redacted;
    }
}
