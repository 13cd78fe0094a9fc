package dev.heliograph.probe.agent;

import static dev.heliograph.probe.agent.AgentTestKit.await;
import static dev.heliograph.probe.agent.AgentTestKit.eventually;
import static dev.heliograph.probe.agent.AgentTestKit.result;
import static dev.heliograph.probe.agent.AgentTestKit.results;
import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.probe.agent.protocol.ResultBatch;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ResultUploader} with a real write-ahead log and client against {@link FakeAgentServer}. */
class ResultUploaderTest {
    // Generous: each wait ends as soon as its condition holds; a loaded CI machine can be slow.
    private static final Duration WITHIN = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private Vertx vertx;
    private FakeAgentServer server;
    private WorkerExecutor io;
    private WalSink wal;
    private AgentClient client;
    private ResultUploader uploader;
    private final List<AgentCallException> refusals = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = FakeAgentServer.start(vertx, 100);
        io = vertx.createSharedWorkerExecutor("test-agent-io", 1);
    }

    @AfterEach
    void stop() {
        if (uploader != null) {
            await(uploader.stop(Duration.ofSeconds(2)));
        }
        await(wal.close());
        await(client.close());
        await(vertx.close());
    }

    private Path walDir() {
        return dir.resolve(ProbeAgent.WAL_DIR);
    }

    /** Opens the log and starts an uploader sending batches of at most {@code batchMax} every {@code interval}. */
    private void startUploader(int batchMax, Duration interval) {
        AgentSettings settings = settings(batchMax, interval).build();
        openLog(settings);
        startUploader(settings);
    }

    private AgentSettings.Builder settings(int batchMax, Duration interval) {
        return AgentSettings.builder(server.uri(), dir).batchMaxResults(batchMax).uploadInterval(interval)
                .requestTimeout(Duration.ofSeconds(5));
    }

    private void openLog(AgentSettings settings) {
        wal = await(WalSink.open(io, walDir(), settings.walSegmentBytes(), settings.walMaxBytes(), Clock.systemUTC()));
        client = new AgentClient(vertx, settings, new AgentIdentity(FakeAgentServer.AGENT_ID, FakeAgentServer.AGENT_KEY,
                AgentTestKit.REGION.value(), server.uri().toString()), null, Clock.systemUTC());
    }

    private void startUploader(AgentSettings settings) {
        uploader = new ResultUploader(vertx, wal, client, settings, wal.lastSeq(), refusals::add);
        uploader.start();
    }

    private List<Integer> attempts() {
        return server.batches.stream().map(ResultBatch::attempt).toList();
    }

    @Test
    void uploadsSignedBatchesInOrderAndTheAcksTruncateTheLog() throws Exception {
        startUploader(10, Duration.ofMillis(50));
        results(1, 25).forEach(wal::offer);

        eventually(WITHIN, () -> wal.stats().ackedSeq() == 25);
        assertThat(server.badSignatures).hasValue(0);
        assertThat(server.receivedSeqs()).isEqualTo(LongStream.rangeClosed(1, 25).boxed().toList());
        assertThat(server.batches).allSatisfy(batch -> {
            assertThat(batch.attempt()).isEqualTo(1);
            assertThat(batch.results()).hasSizeLessThanOrEqualTo(10);
            assertThat(batch.firstSeq()).isEqualTo(batch.results().getFirst().seq());
            assertThat(batch.lastSeq()).isEqualTo(batch.results().getLast().seq());
        });
        assertThat(wal.stats().pending()).isZero();
        try (Stream<Path> files = Files.list(walDir())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith("seg-"));
        }
    }

    @Test
    void resendsTheSameResultsWithAHigherAttemptAfterA503AndADroppedConnection() throws Exception {
        server.resultAnswers.add(503);
        server.resultAnswers.add(FakeAgentServer.DROP);
        startUploader(10, Duration.ofMillis(50));
        results(1, 3).forEach(wal::offer);

        eventually(WITHIN, () -> wal.stats().ackedSeq() == 3);
        assertThat(attempts()).containsExactly(1, 2, 3);
        assertThat(server.batches).allSatisfy(batch -> assertThat(batch.firstSeq()).isEqualTo(1));
        assertThat(server.batches.getLast().results()).extracting(r -> r.seq()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void resultsKeepAccumulatingWhileTheControlPlaneIsDownAndAreReplayedInOrder() throws Exception {
        for (int i = 0; i < 3; i++) {
            server.resultAnswers.add(FakeAgentServer.DROP);
        }
        startUploader(100, Duration.ofMillis(50));
        for (int i = 1; i <= 6; i++) {
            wal.offer(result(i));
            Thread.sleep(150);
        }

        eventually(WITHIN, () -> wal.stats().ackedSeq() == 6);
        List<Long> acknowledged = server.batches.getLast().results().stream().map(r -> r.seq()).toList();
        assertThat(server.batches.getLast().firstSeq()).isEqualTo(1);
        assertThat(acknowledged).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(server.batches.getLast().attempt()).isGreaterThan(1);
    }

    @Test
    void retryNowEndsABackoffAtOnce() throws Exception {
        for (int i = 0; i < 5; i++) {
            server.resultAnswers.add(FakeAgentServer.DROP);
        }
        startUploader(10, Duration.ofMillis(50));
        wal.offer(result(1));
        eventually(Duration.ofSeconds(15), () -> server.batches.size() == 5); // the next try is 4 to 8 s away
        server.resultAnswers.clear();

        // The fifth failure may still be on its way to the uploader: retry until its backoff exists.
        eventually(Duration.ofSeconds(2), () -> {
            uploader.retryNow();
            return wal.stats().ackedSeq() == 1;
        });
        assertThat(server.batches.getLast().attempt()).isEqualTo(6);
    }

    @Test
    void resultsLeftByAnEarlierRunAreSentWithAttemptAtLeastTwo() throws Exception {
        try (WriteAheadLog earlier = WriteAheadLog.open(walDir(), 1 << 20)) {
            earlier.appendAll(results(1, 4));
        }
        startUploader(10, Duration.ofMillis(50));
        eventually(WITHIN, () -> wal.stats().ackedSeq() == 4);
        wal.offer(result(5));

        eventually(WITHIN, () -> wal.stats().ackedSeq() == 5);
        assertThat(server.batches).extracting(ResultBatch::firstSeq).containsExactly(1L, 5L);
        assertThat(attempts()).containsExactly(2, 1);
    }

    @Test
    void aFullBatchGoesAtOnceWithoutWaitingForTheInterval() throws Exception {
        startUploader(10, Duration.ofSeconds(30));
        Thread.sleep(300); // the first, empty, upload is done: the uploader now waits for its interval
        results(1, 10).forEach(wal::offer);

        eventually(Duration.ofSeconds(3), () -> wal.stats().ackedSeq() == 10);
    }

    @Test
    void stoppingMakesAFinalUploadOfWhatIsPending() throws Exception {
        startUploader(4, Duration.ofSeconds(30));
        Thread.sleep(300);
        results(1, 3).forEach(wal::offer);

        await(uploader.stop(Duration.ofSeconds(5)));
        uploader = null;

        assertThat(wal.stats().ackedSeq()).isEqualTo(3);
    }

    @Test
    void resultsDroppedAtTheSizeBoundAreCountedInTheNextBatchesCumulatively() throws Exception {
        AgentSettings settings = settings(100, Duration.ofMillis(50)).walMaxBytes(AgentSettings.WAL_MIN_BYTES).build();
        openLog(settings);
        results(1, 1_000).forEach(wal::offer); // about 400 bytes each: 64 KiB hold fewer than 200
        await(wal.pending(1));
        long dropped = wal.stats().dropped();
        long kept = wal.stats().pending();
        assertThat(dropped).isPositive().isEqualTo(1_000 - kept);
        assertThat(wal.stats().bytes()).isLessThanOrEqualTo(AgentSettings.WAL_MIN_BYTES);

        startUploader(settings);
        eventually(WITHIN, () -> wal.stats().ackedSeq() == kept);
        wal.offer(result(1_001));
        eventually(WITHIN, () -> wal.stats().ackedSeq() == kept + 1);

        assertThat(server.batches).extracting(ResultBatch::dropped).containsOnly(dropped);
        assertThat(server.receivedSeqs()).isEqualTo(LongStream.rangeClosed(1, kept + 1).boxed().toList());
    }

    @Test
    void aBatchCarriesNoDropsWhileNoneHappened() throws Exception {
        startUploader(10, Duration.ofMillis(50));
        results(1, 5).forEach(wal::offer);

        eventually(WITHIN, () -> wal.stats().ackedSeq() == 5);
        assertThat(server.batches).extracting(ResultBatch::dropped).containsOnly(0L);
    }

    @Test
    void aRefusedKeyIsReportedAndNothingIsAcknowledged() throws Exception {
        server.revoked = true;
        startUploader(10, Duration.ofMillis(50));
        wal.offer(result(1));

        eventually(WITHIN, () -> !refusals.isEmpty());
        assertThat(refusals.getFirst().status()).isEqualTo(401);
        assertThat(refusals.getFirst().kind()).isEqualTo(AgentCallException.Kind.REFUSED);
        assertThat(wal.stats().ackedSeq()).isZero();
        assertThat(wal.stats().pending()).isEqualTo(1);
    }
}
