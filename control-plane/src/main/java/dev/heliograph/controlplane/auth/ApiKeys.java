package dev.heliograph.controlplane.auth;

import dev.heliograph.probe.agent.protocol.RequestSignature;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The API key format: {@code hg_key_} + 43 base64url characters (256 random bits). Only the
 * SHA-256 of a key is stored; its first {@value #SHOWN_PREFIX} characters are kept for listings.
 */
public final class ApiKeys {
    /** What every API key starts with. */
    public static final String PREFIX = "hg_key_";
    /** Characters of a key kept in its metadata ({@code hg_key_} + 4). */
    public static final int SHOWN_PREFIX = PREFIX.length() + 4;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    /** A new random key. */
    public static String generate() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** Whether {@code text} has the shape of a key (prefix, then 32..128 characters of {@code [A-Za-z0-9_-]}). */
    public static boolean wellFormed(String text) {
        return text != null && text.matches(PREFIX + "[A-Za-z0-9_-]{32,128}");
    }

    /** The SHA-256 of a key, as stored. */
    public static byte[] hash(String key) {
        return RequestSignature.sha256(key.getBytes(StandardCharsets.UTF_8));
    }

    /** The part of a key shown in listings. */
    public static String shown(String key) {
        return key.substring(0, Math.min(SHOWN_PREFIX, key.length()));
    }
}
