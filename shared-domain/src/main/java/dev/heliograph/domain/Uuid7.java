package dev.heliograph.domain;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * UUID version 7 (RFC 9562, section 5.7): 48 bits of Unix time in ms, then random bits. Ids made
 * in one process are strictly increasing (a counter breaks ties within one millisecond), so they
 * sort by creation time. The JDK has no v7 generator, hence this one.
 */
public final class Uuid7 {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong LAST = new AtomicLong();

    private Uuid7() {
    }

    /** A new UUIDv7 for the current time. */
    public static UUID next() {
        return at(System.currentTimeMillis());
    }

    /** A new UUIDv7 whose timestamp is {@code epochMs}, unique and increasing within this process. */
    public static UUID at(long epochMs) {
        // 48-bit ms timestamp + 12-bit sequence, kept monotonic across calls.
        long candidate = epochMs << 12;
        long stamp = LAST.updateAndGet(prev -> Math.max(prev + 1, candidate));
        long ms = stamp >>> 12;
        long seq = stamp & 0xFFF;
        long msb = (ms << 16) | 0x7000L | seq;
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    /** The Unix time in ms carried by a UUIDv7. */
    public static long epochMs(UUID id) {
        return id.getMostSignificantBits() >>> 16;
    }

    /** Compares two UUIDs as unsigned 128-bit numbers (the order of their text forms). */
    public static int compare(UUID a, UUID b) {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }
}
