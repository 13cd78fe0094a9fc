package dev.heliograph.probe.agent;

import com.fasterxml.jackson.core.JacksonException;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.probe.agent.protocol.WireResult;
import dev.heliograph.probe.codec.Json;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's write-ahead log of check results: the core of the agent protocol (DESIGN.md "Agent
 * protocol"), and our own, because its contract is the protocol's (sequence numbers never reused,
 * truncation only up to what the control plane acknowledged) and it fits in one small class.
 *
 * <p>Its directory holds segment files {@code seg-<first seq, 20 digits>.log}, one
 * {@link WireResult} JSON object per line in sequence order, and {@code acked}: the highest
 * acknowledged sequence number as decimal text, replaced atomically. A segment is closed once it
 * reaches {@code segmentBytes} and deleted once every entry in it is acknowledged. After a restart
 * appends go to a new segment, and sequence numbers continue after the highest one in the segments
 * or in {@code acked}: none is reused, also when everything was acknowledged and deleted.
 *
 * <p>Bounded by the caller: {@link #bytes} is the size of the segment files, and
 * {@link #appendWithin} appends only what keeps it within a limit. Acknowledged entries count until
 * their whole segment is deleted.
 *
 * <p>Durability: {@link #appendAll} hands its bytes to the operating system, so they survive a
 * crash of the process (kill -9); {@link #sync} forces them to the disk. The agent syncs before
 * every upload, so whatever the control plane may have received is on disk. A power cut can lose
 * the results appended since the last sync (at most one upload interval), never sent anywhere; their
 * sequence numbers are then given again, which is harmless. A line torn by a crash in the middle of
 * a write is skipped with a warning.
 *
 * <p>Blocking file I/O: use it from one worker thread, never an event loop ({@link WalSink} does).
 * Methods are synchronized; {@link #nextSeq}, {@link #ackedSeq} and {@link #pendingCount} can be
 * read from any thread.
 */
public final class WriteAheadLog implements Closeable {
    /** Name of the file holding the highest acknowledged sequence number. */
    static final String ACKED_FILE = "acked";

    private static final Logger LOG = LoggerFactory.getLogger(WriteAheadLog.class);
    private static final Pattern SEGMENT_NAME = Pattern.compile("seg-(\\d{20})\\.log");

    private final Path dir;
    private final long segmentBytes;
    private final ArrayDeque<Segment> segments;
    /** Open for appends: the channel of the last segment, when this process made it. */
    private FileChannel active;
    private boolean directoryChanged;
    /** Where the last {@link #pending} stopped, so the next one after its ack does not re-read. */
    private Cursor cursor;
    private volatile long nextSeq;
    private volatile long ackedSeq;
    private volatile long bytes;

    private WriteAheadLog(Path dir, long segmentBytes, ArrayDeque<Segment> segments, long nextSeq, long ackedSeq) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.segments = segments;
        this.nextSeq = nextSeq;
        this.ackedSeq = ackedSeq;
        this.bytes = segments.stream().mapToLong(segment -> segment.bytes).sum();
    }

    /**
     * Opens the log in {@code dir} (created when missing): reads {@code acked}, scans the segments,
     * deletes those fully acknowledged (a crash may have come between an ack and the deletion).
     *
     * @param segmentBytes size at which a segment is closed, bytes
     * @throws IOException when the directory or a file cannot be read, or {@code acked} is malformed
     */
    public static WriteAheadLog open(Path dir, long segmentBytes) throws IOException {
        if (Files.notExists(dir)) {
            Files.createDirectories(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        }
        long acked = readAcked(dir.resolve(ACKED_FILE));
        ArrayDeque<Segment> segments = new ArrayDeque<>();
        long last = acked;
        for (Segment segment : scanSegments(dir)) {
            if (segment.lastSeq <= acked) {
                Files.delete(segment.path);
            } else {
                segments.add(segment);
                last = Math.max(last, segment.lastSeq);
            }
        }
        WriteAheadLog wal = new WriteAheadLog(dir, segmentBytes, segments, last + 1, acked);
        LOG.info("write-ahead log {}: {} results pending in {} bytes, next sequence number {}", dir, wal.pendingCount(),
                wal.bytes(), last + 1);
        return wal;
    }

    /** Appends {@code result} with the next sequence number, which it returns. */
    public long append(CheckResult result) throws IOException {
        return appendAll(List.of(result));
    }

    /**
     * Appends {@code results} in order with the next sequence numbers, in one write. Returns the last
     * sequence number given (the previous one when {@code results} is empty). On failure nothing is
     * appended and no sequence number is used.
     */
    public synchronized long appendAll(List<CheckResult> results) throws IOException {
        appendWithin(results, Long.MAX_VALUE);
        return nextSeq - 1;
    }

    /**
     * Appends the longest prefix of {@code results} that keeps {@link #bytes} at or below
     * {@code maxBytes}, in order with the next sequence numbers, in one write; returns how many were
     * appended (0 when not even the first fits). On failure nothing is appended and no sequence number
     * is used.
     */
    public synchronized int appendWithin(List<CheckResult> results, long maxBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(results.size() * 512);
        long seq = nextSeq;
        for (CheckResult result : results) {
            byte[] line = Json.MAPPER.writeValueAsBytes(WireResult.of(seq, result));
            if (bytes + out.size() + line.length + 1 > maxBytes) {
                break;
            }
            out.write(line);
            out.write('\n');
            seq++;
        }
        int appended = (int) (seq - nextSeq);
        if (appended == 0) {
            return 0;
        }
        Segment segment = writableSegment();
        ByteBuffer buffer = ByteBuffer.wrap(out.toByteArray());
        try {
            while (buffer.hasRemaining()) {
                active.write(buffer);
            }
        } catch (IOException e) {
            active.truncate(segment.bytes); // a partial line would tear the next one
            throw e;
        }
        segment.bytes += out.size();
        segment.lastSeq = seq - 1;
        bytes += out.size();
        nextSeq = seq;
        return appended;
    }

    /**
     * Up to {@code max} unacknowledged results with consecutive sequence numbers (as a batch must
     * have), oldest first; empty when all are acknowledged. Lines that cannot be read are skipped with
     * a warning; the gap they leave ends a run, and the next call, after the ack, starts behind it.
     */
    public synchronized List<WireResult> pending(int max) throws IOException {
        List<WireResult> found = new ArrayList<>();
        long from = ackedSeq + 1;
        for (Segment segment : segments) {
            if (found.size() >= max) {
                break;
            }
            if (segment.lastSeq < from) {
                continue;
            }
            long start = cursor != null && cursor.segment == segment && cursor.nextSeq == from ? cursor.offset : 0;
            try (Lines lines = new Lines(segment.path, start)) {
                while (found.size() < max) {
                    byte[] line = lines.next();
                    if (line == null) {
                        break;
                    }
                    WireResult result = parse(line, segment.path);
                    if (result == null || result.seq() < from) {
                        continue;
                    }
                    if (!found.isEmpty() && result.seq() != from) {
                        return found;
                    }
                    found.add(result);
                    from = result.seq() + 1;
                    cursor = new Cursor(segment, lines.offset(), from);
                }
            }
        }
        return found;
    }

    /**
     * Records that every result up to {@code seq} is stored by the control plane (durably, before
     * anything is deleted), then deletes the segments whose entries are all acknowledged. An
     * {@code seq} at or below the current one changes nothing.
     */
    public synchronized void ack(long seq) throws IOException {
        if (seq <= ackedSeq) {
            return;
        }
        Path temp = dir.resolve(ACKED_FILE + ".tmp");
        Files.writeString(temp, seq + "\n", StandardCharsets.US_ASCII);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        AgentIdentity.moveAtomically(temp, dir.resolve(ACKED_FILE));
        ackedSeq = seq;
        nextSeq = Math.max(nextSeq, seq + 1);
        while (!segments.isEmpty() && segments.peekFirst().lastSeq <= seq) {
            Segment done = segments.pollFirst();
            if (segments.isEmpty() && active != null) {
                active.close();
                active = null;
            }
            Files.deleteIfExists(done.path);
            bytes -= done.bytes;
        }
    }

    /** Forces everything appended so far (and new segment files) to the disk. */
    public synchronized void sync() throws IOException {
        if (active != null) {
            active.force(false);
        }
        if (directoryChanged) {
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                directory.force(true);
            }
            directoryChanged = false;
        }
    }

    /** Syncs and closes the segment open for appends. */
    @Override
    public synchronized void close() throws IOException {
        sync();
        if (active != null) {
            active.close();
            active = null;
        }
    }

    /** The sequence number the next result gets. */
    public long nextSeq() {
        return nextSeq;
    }

    /** The highest acknowledged sequence number (0 before the first ack). */
    public long ackedSeq() {
        return ackedSeq;
    }

    /** Size of the segment files, bytes: what is pending plus what is acknowledged but not yet deleted. */
    public long bytes() {
        return bytes;
    }

    /** Results appended but not yet acknowledged. */
    public long pendingCount() {
        return Math.max(0, nextSeq - 1 - ackedSeq);
    }

    /** Segment files in the log now. */
    public synchronized int segmentCount() {
        return segments.size();
    }

    private Segment writableSegment() throws IOException {
        if (active != null && segments.getLast().bytes < segmentBytes) {
            return segments.getLast();
        }
        if (active != null) {
            active.force(false);
            active.close();
        }
        Path path = dir.resolve(String.format("seg-%020d.log", nextSeq));
        active = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        directoryChanged = true;
        Segment segment = new Segment(path);
        segments.addLast(segment);
        return segment;
    }

    private static long readAcked(Path file) throws IOException {
        if (Files.notExists(file)) {
            return 0;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(file + " is malformed: '" + text + "'", e);
        }
    }

    /** The segments of {@code dir} in sequence order, each with its last sequence number (0 when it holds none). */
    private static List<Segment> scanSegments(Path dir) throws IOException {
        List<Path> paths;
        try (Stream<Path> files = Files.list(dir)) {
            paths = files.filter(path -> SEGMENT_NAME.matcher(path.getFileName().toString()).matches())
                    .sorted().toList(); // names have fixed-width numbers: name order is sequence order
        }
        List<Segment> scanned = new ArrayList<>();
        for (Path path : paths) {
            Segment segment = new Segment(path);
            segment.bytes = Files.size(path);
            try (Lines lines = new Lines(path, 0)) {
                for (byte[] line = lines.next(); line != null; line = lines.next()) {
                    WireResult result = parse(line, path);
                    if (result != null) {
                        segment.lastSeq = Math.max(segment.lastSeq, result.seq());
                    }
                }
                if (lines.torn()) {
                    LOG.warn("write-ahead log {}: skipping a torn last line (the agent stopped while writing it)", path);
                }
            }
            scanned.add(segment);
        }
        return scanned;
    }

    private static WireResult parse(byte[] line, Path segment) {
        try {
            return Json.MAPPER.readValue(line, WireResult.class);
        } catch (JacksonException e) {
            LOG.warn("write-ahead log {}: skipping an unreadable line: {}", segment, e.getOriginalMessage());
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.warn("write-ahead log {}: skipping an unreadable line: {}", segment, e.getMessage());
            return null;
        }
    }

    /** A segment file: its last sequence number and its size, bytes, which grow with appends. */
    private static final class Segment {
        final Path path;
        long lastSeq;
        long bytes;

        Segment(Path path) {
            this.path = path;
        }
    }

    /** Where to resume reading: {@code offset} in {@code segment}, whose next line is {@code nextSeq}. */
    private record Cursor(Segment segment, long offset, long nextSeq) {
    }

    /** Reads the {@code '\n'}-terminated lines of a file from a byte offset, counting the bytes read. */
    private static final class Lines implements Closeable {
        private final FileChannel channel;
        private final byte[] buffer = new byte[64 * 1024];
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
        private int position;
        private int limit;
        private long offset;

        Lines(Path path, long offset) throws IOException {
            this.channel = FileChannel.open(path, StandardOpenOption.READ);
            this.channel.position(offset);
            this.offset = offset;
        }

        /** The next complete line without its {@code '\n'}, or {@code null} at the end of the file. */
        byte[] next() throws IOException {
            line.reset();
            while (true) {
                if (position == limit) {
                    int read = channel.read(ByteBuffer.wrap(buffer));
                    if (read < 0) {
                        return null;
                    }
                    position = 0;
                    limit = read;
                }
                int end = position;
                while (end < limit && buffer[end] != '\n') {
                    end++;
                }
                line.write(buffer, position, end - position);
                position = end;
                if (end < limit) {
                    position++;
                    offset += line.size() + 1;
                    return line.toByteArray();
                }
            }
        }

        /** Whether the file ended inside a line (valid after {@link #next} returned {@code null}). */
        boolean torn() {
            return line.size() > 0;
        }

        /** The byte offset just after the last complete line returned. */
        long offset() {
            return offset;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
