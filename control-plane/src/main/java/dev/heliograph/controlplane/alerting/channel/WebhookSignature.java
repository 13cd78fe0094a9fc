package dev.heliograph.controlplane.alerting.channel;

import dev.heliograph.controlplane.alerting.WebhookSettings;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code webhook-signature} of Standard Webhooks 1.0 (https://www.standardwebhooks.com/,
 * "Signature scheme"): {@code v1,} + the base64 of HMAC-SHA256 over
 * {@code <webhook-id>.<webhook-timestamp>.<body>}, keyed with the base64-decoded part of the secret
 * after {@code whsec_}.
 *
 * <p>Why no library: the reference implementation is on Maven Central
 * ({@code com.standardwebhooks:standardwebhooks}), but it signs a {@code String} payload, while we sign
 * the very bytes we send; the scheme is ten lines of the JDK's {@link Mac}, and the spec's own test
 * vector pins them ({@code WebhookSignatureTest}). A dependency for ten lines is not worth its updates.
 */
public final class WebhookSignature {
    private static final String HMAC = "HmacSHA256";

    private WebhookSignature() {
    }

    /**
     * The header value {@code v1,<base64 signature>} of {@code body} sent as message {@code id} at
     * {@code timestamp} (Unix seconds).
     *
     * @param secret {@code whsec_<base64 key>}; throws {@link IllegalArgumentException} for anything else
     */
    public static String sign(String secret, String id, long timestamp, byte[] body) {
        byte[] key = WebhookSettings.signingKey(secret);
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e); // every JDK has it
        }
    }
}
