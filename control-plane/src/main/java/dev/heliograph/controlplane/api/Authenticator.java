package dev.heliograph.controlplane.api;

import io.vertx.core.Future;

/** Turns a request's {@code Authorization} header into the {@link Caller} it stands for. */
@FunctionalInterface
public interface Authenticator {
    /**
     * @param authorization the header's value, {@code null} when absent
     * @return the caller; fails with {@link ApiException} 401 {@code UNAUTHENTICATED} when the header
     *     is missing or not {@code Bearer hg_key_...}, or the key is unknown, expired or revoked
     */
    Future<Caller> authenticate(String authorization);
}
