package dev.heliograph.probe.agent;

import static dev.heliograph.probe.agent.AgentTestKit.result;
import static dev.heliograph.probe.agent.AgentTestKit.results;
import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.probe.agent.protocol.WireResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteAheadLogTest {
    /** Small enough that a few dozen results fill several segments (one result is about 400 bytes). */
    private static final long SMALL_SEGMENTS = 2_000;

    @TempDir
    Path dir;
    private WriteAheadLog wal;

    @AfterEach
    void close() throws IOException {
        if (wal != null) {
            wal.close();
        }
    }

    private WriteAheadLog open(long segmentBytes) throws IOException {
        if (wal != null) {
            wal.close();
        }
        wal = WriteAheadLog.open(dir, segmentBytes);
        return wal;
    }

    private static List<Long> seqs(List<WireResult> results) {
        return results.stream().map(WireResult::seq).toList();
    }

    private static List<Integer> markers(List<WireResult> results) {
        return results.stream().map(WireResult::httpStatus).toList();
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("seg-")).sorted().toList();
        }
    }

    @Test
    void givesConsecutiveSequenceNumbersFromOneAndReturnsPendingResultsInOrder() throws IOException {
        open(SMALL_SEGMENTS);
        assertThat(wal.append(result(200))).isEqualTo(1);
        assertThat(wal.appendAll(results(201, 204))).isEqualTo(5);

        List<WireResult> pending = wal.pending(100);
        assertThat(seqs(pending)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(markers(pending)).containsExactly(200, 201, 202, 203, 204);
        assertThat(wal.pendingCount()).isEqualTo(5);
        assertThat(wal.nextSeq()).isEqualTo(6);
    }

    @Test
    void pendingReturnsAtMostMaxAndAnAckMovesItOn() throws IOException {
        open(SMALL_SEGMENTS);
        wal.appendAll(results(1, 25));

        assertThat(seqs(wal.pending(10))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(seqs(wal.pending(10))).as("unchanged until acknowledged").startsWith(1L);
        wal.ack(10);
        assertThat(seqs(wal.pending(10))).containsExactly(11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L);
        wal.ack(13);
        assertThat(seqs(wal.pending(3))).as("after an ack of part of a batch").containsExactly(14L, 15L, 16L);
        wal.ack(25);
        assertThat(wal.pending(10)).isEmpty();
        assertThat(wal.pendingCount()).isZero();
    }

    @Test
    void anAckAtOrBelowTheCurrentOneChangesNothing() throws IOException {
        open(SMALL_SEGMENTS);
        wal.appendAll(results(1, 5));
        wal.ack(3);
        wal.ack(2);
        wal.ack(3);
        assertThat(wal.ackedSeq()).isEqualTo(3);
        assertThat(seqs(wal.pending(10))).containsExactly(4L, 5L);
    }

    @Test
    void rollsSegmentsAtTheirSizeAndDeletesOnlyThoseFullyAcknowledged() throws IOException {
        open(SMALL_SEGMENTS);
        for (int i = 1; i <= 30; i++) {
            wal.append(result(i));
        }
        List<Path> before = segmentFiles();
        assertThat(before).hasSizeGreaterThan(3);
        assertThat(wal.segmentCount()).isEqualTo(before.size());

        long firstOfSecond = Long.parseLong(before.get(1).getFileName().toString().substring(4, 24));
        wal.ack(firstOfSecond - 1);
        assertThat(segmentFiles()).as("the first segment is fully acknowledged").isEqualTo(before.subList(1, before.size()));
        wal.ack(firstOfSecond);
        assertThat(segmentFiles()).as("the second still holds unacknowledged results").isEqualTo(before.subList(1, before.size()));
        assertThat(seqs(wal.pending(100))).first().isEqualTo(firstOfSecond + 1);

        wal.ack(30);
        assertThat(segmentFiles()).isEmpty();
        assertThat(wal.append(result(31))).as("appends go on in a new segment").isEqualTo(31);
        assertThat(segmentFiles()).hasSize(1);
    }

    @Test
    void bytesIsTheSizeOfTheSegmentFilesAlsoAfterDeletionsAndARestart() throws IOException {
        open(SMALL_SEGMENTS);
        wal.appendAll(results(1, 30));
        assertThat(wal.bytes()).isEqualTo(segmentBytesOnDisk()).isPositive();

        wal.ack(10);
        assertThat(wal.bytes()).isEqualTo(segmentBytesOnDisk());

        open(SMALL_SEGMENTS);
        assertThat(wal.bytes()).isEqualTo(segmentBytesOnDisk());
        wal.ack(30);
        assertThat(wal.bytes()).isZero();
    }

    @Test
    void appendWithinAppendsOnlyTheResultsThatFitTheBound() throws IOException {
        open(SMALL_SEGMENTS);
        wal.append(result(1));
        long line = wal.bytes();
        long bound = 3 * line + line / 2; // results 1 to 9 serialise to lines of about the same size

        assertThat(wal.appendWithin(results(2, 6), bound)).isEqualTo(2);
        assertThat(wal.appendWithin(results(7, 7), bound)).isZero();

        assertThat(markers(wal.pending(10))).containsExactly(1, 2, 3);
        assertThat(wal.bytes()).isLessThanOrEqualTo(bound).isEqualTo(segmentBytesOnDisk());
        assertThat(wal.nextSeq()).as("refused results use no sequence number").isEqualTo(4);
    }

    private long segmentBytesOnDisk() throws IOException {
        long sum = 0;
        for (Path segment : segmentFiles()) {
            sum += Files.size(segment);
        }
        return sum;
    }

    @Test
    void aRestartYieldsExactlyTheUnacknowledgedResultsInOrder() throws IOException {
        open(SMALL_SEGMENTS);
        wal.appendAll(results(1, 40));
        wal.ack(17);

        open(SMALL_SEGMENTS);

        List<WireResult> pending = wal.pending(1_000);
        assertThat(seqs(pending)).isEqualTo(java.util.stream.LongStream.rangeClosed(18, 40).boxed().toList());
        assertThat(markers(pending)).isEqualTo(java.util.stream.IntStream.rangeClosed(18, 40).boxed().toList());
        assertThat(wal.ackedSeq()).isEqualTo(17);
        assertThat(wal.pendingCount()).isEqualTo(23);
        assertThat(wal.append(result(41))).isEqualTo(41);
        assertThat(seqs(wal.pending(1_000))).last().isEqualTo(41L);
    }

    @Test
    void sequenceNumbersContinueAfterARestartEvenWhenEverythingWasAcknowledged() throws IOException {
        open(SMALL_SEGMENTS);
        wal.appendAll(results(1, 12));
        wal.ack(12);
        assertThat(segmentFiles()).isEmpty();

        open(SMALL_SEGMENTS);

        assertThat(wal.pending(10)).isEmpty();
        assertThat(wal.append(result(13))).isEqualTo(13);
    }

    @Test
    void aTornLastLineIsSkippedAfterARestart() throws IOException {
        open(1 << 20);
        wal.appendAll(results(1, 3));
        wal.close();
        Path segment = segmentFiles().getLast();
        Files.writeString(segment, "{\"seq\":4,\"result_id\":\"0190", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        open(1 << 20);

        assertThat(seqs(wal.pending(10))).containsExactly(1L, 2L, 3L);
        assertThat(wal.append(result(4))).isEqualTo(4);
        assertThat(seqs(wal.pending(10))).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void anUnreadableLineIsSkippedAndTheOthersKept() throws IOException {
        open(1 << 20);
        wal.appendAll(results(1, 2));
        wal.close();
        Path segment = segmentFiles().getLast();
        Files.writeString(segment, "not json\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        open(1 << 20);
        wal.appendAll(results(3, 3));

        assertThat(seqs(wal.pending(10))).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aGapLeftByAnUnreadableLineEndsARunAndTheNextStartsBehindIt() throws IOException {
        open(1 << 20);
        wal.appendAll(results(1, 4));
        wal.close();
        Path segment = segmentFiles().getLast();
        List<String> lines = Files.readAllLines(segment);
        lines.set(2, "{\"seq\":3,\"garbled");
        Files.write(segment, lines);

        open(1 << 20);

        assertThat(seqs(wal.pending(10))).containsExactly(1L, 2L);
        wal.ack(2);
        assertThat(seqs(wal.pending(10))).containsExactly(4L);
    }

    @Test
    void keepsTheAcknowledgedSequenceInItsOwnFile() throws IOException {
        open(SMALL_SEGMENTS);
        wal.appendAll(results(1, 5));
        wal.ack(4);
        assertThat(Files.readString(dir.resolve(WriteAheadLog.ACKED_FILE)).trim()).isEqualTo("4");
        assertThat(dir.resolve(WriteAheadLog.ACKED_FILE + ".tmp")).doesNotExist();
    }
}
