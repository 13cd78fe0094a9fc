package dev.heliograph.probe.agent.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Request signing of the agent protocol: {@code hex(HMAC-SHA256(signingKey, agent_id + "\n" +
 * timestamp + "\n" + hex(SHA-256(body))))}, where {@code timestamp} is Unix epoch seconds as decimal
 * text and {@code signingKey = SHA-256(agent_key)}. The control plane stores only the signing key,
 * never the agent key as issued (HMAC per RFC 2104, SHA-256 per FIPS 180-4).
 *
 * <p>Why our own: a dozen lines over {@code javax.crypto}; no HTTP-signature library matches this
 * exact canonical form (DESIGN.md "Agent protocol").
 */
public final class RequestSignature {
    private static final HexFormat HEX = HexFormat.of();

    private RequestSignature() {
    }

    /** The signing key (32 bytes) derived from an agent key as issued. */
    public static byte[] signingKey(String agentKey) {
        return sha256(agentKey.getBytes(StandardCharsets.UTF_8));
    }

    /** The signature of a request, lower-case hex (64 characters). */
    public static String sign(byte[] signingKey, String agentId, long timestampS, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            String canonical = agentId + "\n" + timestampS + "\n" + HEX.formatHex(sha256(body));
            return HEX.formatHex(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /** Whether {@code signature} is the right one, compared in constant time. */
    public static boolean verify(byte[] signingKey, String agentId, long timestampS, byte[] body, String signature) {
        if (signature == null) {
            return false;
        }
        byte[] expected = sign(signingKey, agentId, timestampS, body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    /** SHA-256 of {@code data}. */
    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
