package dev.heliograph.controlplane.storage.clickhouse;

import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.TargetId;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The wire form of {@code check_results} rows: what {@link ClickHouseResultStore#insert} sends in
 * one INSERT ({@link #FORMAT} with the columns {@link #COLUMNS}, in that order), and how a row read
 * back as JSONEachRow becomes a result again. Public so that the ingest benchmark feeds
 * {@code clickhouse-client} byte-identical rows.
 *
 * <p>RowBinary (ClickHouse's "Formats: RowBinary"), because it costs the server far less to parse
 * than JSONEachRow (ClickHouse 18.16 accepts it over HTTP): per column, little-endian fixed-width
 * numbers ({@code UInt64}, {@code UInt32} for {@code DateTime} seconds, {@code UInt16},
 * {@code Float32}, {@code Int8} for the {@code Enum8} status code), a {@code UUID} as its high then
 * its low 64 bits, each little-endian, and a {@code String} as its UTF-8 length (unsigned LEB128)
 * followed by its bytes.
 */
public final class ResultRows {
    /** The INSERT format of {@link #encode}. */
    public static final ClickHouseFormat FORMAT = ClickHouseFormat.RowBinary;
    /** The columns of {@code check_results} that {@link #encode} writes, in row order. */
    public static final List<String> COLUMNS = List.of("result_id", "org_id", "target_id", "region", "agent_id", "kind",
            "status", "started_at", "started_at_ms", "scheduled_at_ms", "http_status", "error", "dns_ms", "connect_ms",
            "tls_ms", "ttfb_ms", "total_ms");
    /** Upper bound of the fixed-width part of one row in bytes (3 UUIDs, numbers, 5 string lengths). */
    private static final int FIXED_BYTES = 3 * 16 + 1 + 4 + 8 + 8 + 2 + 5 * 4 + 5 * 5;
    private static final byte[][] KINDS = kinds();
    /** Bytes handed to the stream at a time by {@link #write}. */
    private static final int CHUNK_BYTES = 64 * 1024;

    private ResultRows() {
    }

    /** {@code results} as {@link #FORMAT} rows of {@link #COLUMNS}, in their order. */
    public static byte[] encode(List<CheckResult> results) {
        Out out = new Out(results.size() * (FIXED_BYTES + 48));
        for (CheckResult r : results) {
            row(out, r);
        }
        return out.toByteArray();
    }

    /**
     * Writes the bytes of {@link #encode} to {@code stream} as they are made, about
     * {@value #CHUNK_BYTES} bytes at a time (so ClickHouse parses while the rest is encoded).
     *
     * @throws IOException from {@code stream}
     */
    public static void write(List<CheckResult> results, OutputStream stream) throws IOException {
        Out out = new Out(CHUNK_BYTES + 4 * 1024);
        for (CheckResult r : results) {
            row(out, r);
            if (out.pos >= CHUNK_BYTES) {
                stream.write(out.buf, 0, out.pos);
                out.pos = 0;
            }
        }
        stream.write(out.buf, 0, out.pos);
    }

    private static void row(Out out, CheckResult r) {
        out.ensure(FIXED_BYTES);
        out.uuid(r.resultId());
        out.uuid(r.orgId().value());
        out.uuid(r.targetId().value());
        out.string(r.region().value());
        out.string(r.agentId());
        out.bytes(KINDS[r.kind().ordinal()]);
        out.ensure(FIXED_BYTES); // the strings used up part of the room
        out.int8(statusCode(r.status()));
        out.int32((int) r.startedAt().getEpochSecond()); // DateTime: UInt32 seconds, good until 2106
        out.int64(r.startedAt().toEpochMilli());
        out.int64(r.scheduledAt().toEpochMilli());
        out.int16(r.httpStatus());
        out.string(r.error());
        out.ensure(FIXED_BYTES);
        PhaseTimings t = r.timings();
        out.float32((float) t.dnsMs());
        out.float32((float) t.connectMs());
        out.float32((float) t.tlsMs());
        out.float32((float) t.ttfbMs());
        out.float32((float) t.totalMs());
    }

    /** The {@code Enum8} value of {@code status} in {@code check_results} (migration 001). */
    static int statusCode(Status status) {
        return switch (status) {
            case UP -> 1;
            case DEGRADED -> 2;
            case DOWN -> 3;
            case ERROR -> 4;
        };
    }

    private static byte[][] kinds() {
        CheckKind[] kinds = CheckKind.values();
        byte[][] encoded = new byte[kinds.length][];
        for (CheckKind kind : kinds) {
            Out out = new Out(16);
            out.string(kind.wire());
            encoded[kind.ordinal()] = out.toByteArray();
        }
        return encoded;
    }

    /** A growing little-endian byte buffer. */
    private static final class Out {
        private byte[] buf;
        private int pos;

        Out(int capacity) {
            buf = new byte[Math.max(64, capacity)];
        }

        void ensure(int more) {
            if (pos + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(pos + more, buf.length * 2));
            }
        }

        void int8(int v) {
            buf[pos++] = (byte) v;
        }

        void int16(int v) {
            buf[pos++] = (byte) v;
            buf[pos++] = (byte) (v >>> 8);
        }

        void int32(int v) {
            int16(v);
            int16(v >>> 16);
        }

        void int64(long v) {
            int32((int) v);
            int32((int) (v >>> 32));
        }

        void float32(float v) {
            int32(Float.floatToIntBits(v));
        }

        void uuid(UUID id) {
            int64(id.getMostSignificantBits());
            int64(id.getLeastSignificantBits());
        }

        void bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        /** UTF-8 length as unsigned LEB128, then the bytes; ASCII is copied without an intermediate array. */
        void string(String s) {
            int n = s.length();
            boolean ascii = true;
            for (int i = 0; i < n && ascii; i++) {
                ascii = s.charAt(i) < 0x80;
            }
            if (!ascii) {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                ensure(5 + utf8.length);
                varUInt(utf8.length);
                bytes(utf8);
                return;
            }
            ensure(5 + n);
            varUInt(n);
            for (int i = 0; i < n; i++) {
                buf[pos++] = (byte) s.charAt(i);
            }
        }

        private void varUInt(int v) {
            while ((v & ~0x7F) != 0) {
                buf[pos++] = (byte) (v & 0x7F | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }
    }

    /**
     * The failure of a stored result: {@code check_results} has no failure column yet (ClickHouse 18.16
     * cannot add one idempotently; it comes with the typed-failure work of the results API), so a row
     * read back is {@code none} when up or degraded and {@code internal} (unknown) otherwise. Nothing
     * decides on it: the incident rules see results as they arrive, never read back.
     */
    private static Failure storedFailure(Status status) {
        return status == Status.UP || status == Status.DEGRADED ? Failure.NONE : Failure.INTERNAL;
    }

    /** A row read as JSONEachRow (the columns of {@code ClickHouseResultStore.results}) of {@code org}'s {@code target}. */
    static CheckResult decode(JsonNode row, OrgId org, TargetId target) {
        return new CheckResult(
                UUID.fromString(row.path("result_id").asText()), target, org,
                new RegionId(row.path("region").asText()), row.path("agent_id").asText(),
                CheckKind.fromWire(row.path("kind").asText()),
                Instant.ofEpochMilli(row.path("scheduled_at_ms").asLong()),
                Instant.ofEpochMilli(row.path("started_at_ms").asLong()),
                Status.fromWire(row.path("status").asText()), storedFailure(Status.fromWire(row.path("status").asText())),
                row.path("http_status").asInt(),
                row.path("error").asText(),
                new PhaseTimings(row.path("dns_ms").asDouble(), row.path("connect_ms").asDouble(),
                        row.path("tls_ms").asDouble(), row.path("ttfb_ms").asDouble(), row.path("total_ms").asDouble()));
    }
}
