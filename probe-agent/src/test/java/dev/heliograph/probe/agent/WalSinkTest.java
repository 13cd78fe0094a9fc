package dev.heliograph.probe.agent;

import static dev.heliograph.probe.agent.AgentTestKit.await;
import static dev.heliograph.probe.agent.AgentTestKit.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.probe.agent.protocol.WireResult;
import io.vertx.core.Vertx;
import java.nio.file.Path;
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
    void open() {
        vertx = Vertx.vertx();
        wal = await(WalSink.open(vertx.createSharedWorkerExecutor("test-agent-io", 1), dir, 1 << 20, 5));
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
    void refusesAndCountsResultsBeyondItsBoundUntilAnAckMakesRoom() {
        List<Boolean> accepted = IntStream.rangeClosed(1, 8).mapToObj(i -> wal.offer(result(i))).toList();

        assertThat(accepted).containsExactly(true, true, true, true, true, false, false, false);
        assertThat(wal.stats().dropped()).isEqualTo(3);
        assertThat(await(wal.pending(10))).extracting(WireResult::httpStatus).containsExactly(1, 2, 3, 4, 5);

        await(wal.ack(2));
        assertThat(wal.offer(result(9))).isTrue();
        assertThat(await(wal.pending(10))).extracting(WireResult::seq).containsExactly(3L, 4L, 5L, 6L);
    }

    @Test
    void refusesResultsOnceClosed() {
        wal.offer(result(1));
        await(wal.close());

        assertThat(wal.offer(result(2))).isFalse();
        assertThat(wal.stats()).isEqualTo(new WalSink.Stats(2, 0, 1, 1));
    }
}
