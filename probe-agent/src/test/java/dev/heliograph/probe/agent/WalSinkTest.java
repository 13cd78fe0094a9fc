package dev.heliograph.probe.agent;

import static dev.heliograph.probe.agent.AgentTestKit.await;
import static dev.heliograph.probe.agent.AgentTestKit.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.probe.agent.protocol.WireResult;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalSinkTest {
    @TempDir
    Path dir;
    private Vertx vertx;
    private WalSink wal;

    @BeforeEach
    void open() throws IOException {
        vertx = Vertx.vertx();
        long line;
        try (WriteAheadLog probe = WriteAheadLog.open(dir.resolve("probe"), 1 << 20)) {
            probe.append(result(1));
            line = probe.bytes();
        }
        // Room for five results: results 1 to 9 serialise to lines of about the same size.
        wal = await(WalSink.open(vertx.createSharedWorkerExecutor("test-agent-io", 1), dir.resolve("wal"), 1 << 20,
                5 * line + line / 2, Clock.systemUTC()));
    }

    @AfterEach
    void close() {
        await(vertx.close());
    }

    @Test
    void appendsOfferedResultsInOrder() {
        IntStream.rangeClosed(1, 3).forEach(i -> assertThat(wal.offer(result(i))).isTrue());

        List<WireResult> pending = await(wal.pending(10));

        assertThat(pending).extracting(WireResult::seq).containsExactly(1L, 2L, 3L);
        assertThat(pending).extracting(WireResult::httpStatus).containsExactly(1, 2, 3);
    }

    @Test
    void refusesAndCountsResultsBeyondItsSizeBoundUntilAnAckMakesRoom() {
        assertThat(wal.offer(result(1))).isTrue();
        await(wal.pending(1)); // the log has measured a result: offers now reckon with its size

        List<Boolean> accepted = IntStream.rangeClosed(2, 8).mapToObj(i -> wal.offer(result(i))).toList();
        await(wal.pending(1));

        assertThat(accepted.subList(0, 4)).containsOnly(true); // 6 to 8 are refused at once, or dropped when appended
        assertThat(wal.stats().dropped()).isEqualTo(3);
        assertThat(await(wal.pending(10))).extracting(WireResult::httpStatus).containsExactly(1, 2, 3, 4, 5);

        await(wal.ack(5));
        assertThat(wal.offer(result(9))).as("a fully acknowledged segment is deleted, which makes room").isTrue();
        assertThat(await(wal.pending(10))).extracting(WireResult::seq).containsExactly(6L);
        assertThat(wal.stats().dropped()).as("the count is cumulative").isEqualTo(3);
    }

    @Test
    void refusesResultsOnceClosed() {
        wal.offer(result(1));
        await(wal.close());

        assertThat(wal.offer(result(2))).isFalse();
        WalSink.Stats stats = wal.stats();
        assertThat(List.of(stats.nextSeq(), stats.ackedSeq(), stats.pending(), stats.dropped())).containsExactly(2L, 0L, 1L, 1L);
        assertThat(stats.bytes()).isPositive();
    }
}
