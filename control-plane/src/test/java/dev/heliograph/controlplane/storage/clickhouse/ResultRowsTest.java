package dev.heliograph.controlplane.storage.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.TargetId;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The RowBinary encoding of check results, byte by byte (ClickHouse "Formats: RowBinary"). */
class ResultRowsTest {
    private static final UUID ID = UUID.fromString("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b");
    private static final TargetId TARGET = new TargetId(UUID.fromString("11111111-2222-4333-8444-555555555555"));

    private static CheckResult result(String agent, Status status, String error) {
        Instant started = Instant.ofEpochMilli(1_733_000_000_123L);
        return new CheckResult(ID, TARGET, OrgId.DEFAULT, new RegionId("eu-west"), agent, CheckKind.TCP,
                started.minusMillis(7), started, status, status == Status.UP || status == Status.DEGRADED ? Failure.NONE : Failure.INTERNAL, 503, error, new PhaseTimings(0.5, 1.25, 0, 3.5, 12.75));
    }

    /** The row as the format describes it, written independently with a ByteBuffer. */
    private static byte[] expected(CheckResult r, int statusCode) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer fixed = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        for (UUID id : List.of(r.resultId(), r.orgId().value(), r.targetId().value())) {
            fixed.clear();
            fixed.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
            out.write(fixed.array(), 0, fixed.position());
        }
        for (String s : List.of(r.region().value(), r.agentId(), "tcp")) {
            writeString(out, s);
        }
        fixed.clear();
        fixed.put((byte) statusCode).putInt((int) r.startedAt().getEpochSecond()).putLong(r.startedAt().toEpochMilli())
                .putLong(r.scheduledAt().toEpochMilli()).putShort((short) r.httpStatus());
        out.write(fixed.array(), 0, fixed.position());
        writeString(out, r.error());
        fixed.clear();
        fixed.putFloat(0.5f).putFloat(1.25f).putFloat(0f).putFloat(3.5f).putFloat(12.75f);
        out.write(fixed.array(), 0, fixed.position());
        return out.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        int n = utf8.length;
        while (n >= 0x80) {
            out.write(n & 0x7F | 0x80);
            n >>>= 7;
        }
        out.write(n);
        out.writeBytes(utf8);
    }

    @Test
    void writesEveryColumnInOrderLittleEndian() {
        CheckResult r = result("agent-1", Status.DOWN, "wanted 2xx, got 503");
        assertThat(ResultRows.encode(List.of(r))).isEqualTo(expected(r, 3));
    }

    @Test
    void writesNonAsciiAndLongStringsWithTheirUtf8Length() {
        String long300 = "x".repeat(290) + "ünïcödé ☀"; // over 127 bytes: a two-byte length
        CheckResult r = result("agent-ü", Status.ERROR, long300);
        assertThat(ResultRows.encode(List.of(r))).isEqualTo(expected(r, 4));
    }

    @Test
    void rowsFollowEachOtherWithoutSeparators() {
        List<CheckResult> rows = new ArrayList<>();
        ByteArrayOutputStream concatenated = new ByteArrayOutputStream();
        for (int i = 0; i < 500; i++) {
            CheckResult r = result("agent-" + i, Status.values()[i % 4], i % 2 == 0 ? "" : "error " + i);
            rows.add(r);
            concatenated.writeBytes(expected(r, i % 4 + 1));
        }
        assertThat(ResultRows.encode(rows)).isEqualTo(concatenated.toByteArray());
        assertThat(ResultRows.encode(List.of())).isEmpty();
    }

    @Test
    void streamedBytesEqualTheEncodedOnesAcrossChunks() throws Exception {
        List<CheckResult> rows = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) { // about 300 KiB: several chunks
            rows.add(result("agent-" + i, Status.values()[i % 4], "é".repeat(i % 7)));
        }
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        ResultRows.write(rows, streamed);
        assertThat(streamed.toByteArray()).isEqualTo(ResultRows.encode(rows));
    }

    @Test
    void statusCodesMatchTheEnumOfTheTable() {
        assertThat(ResultRows.statusCode(Status.UP)).isEqualTo(1);
        assertThat(ResultRows.statusCode(Status.DEGRADED)).isEqualTo(2);
        assertThat(ResultRows.statusCode(Status.DOWN)).isEqualTo(3);
        assertThat(ResultRows.statusCode(Status.ERROR)).isEqualTo(4);
    }
}
