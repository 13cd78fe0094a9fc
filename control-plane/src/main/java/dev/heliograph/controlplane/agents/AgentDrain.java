package dev.heliograph.controlplane.agents;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sheds agents' held work polls in a controlled way, with the semantics of Talaria's connection
 * drain (xmidt-org/talaria, {@code docs/control_server.md}): one drain job at a time; how many to
 * disconnect is fixed when the job starts (so agents that connect during the drain, while the
 * {@link AgentGate} is open, cannot keep it running for ever; close the gate first to empty the
 * server); {@code rate} polls are closed per {@code tick}, or all at once without a rate. A job
 * finishes when it has disconnected its count or when {@link AgentConnections#disconnectOne()} finds
 * no held poll. The last job and its progress stay visible until the next one starts.
 *
 * <p>Runs on Vert.x timers, never blocking an event loop. Thread-safe; {@code disconnectOne()} is
 * called while this object's lock is held, so an {@link AgentConnections} must not call back into it.
 */
public final class AgentDrain implements MeterBinder {
    private static final Logger LOG = LoggerFactory.getLogger(AgentDrain.class);
    /** Without a rate, polls are closed in batches of this size, one batch per event-loop turn. */
    static final int BATCH = 1000;
    /** The tick when a rate is given without one. */
    public static final Duration DEFAULT_TICK = Duration.ofSeconds(1);
    private static final Pattern TICK_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    /**
     * What to drain; {@code null} means "not given".
     *
     * @param count   agents to disconnect, at most those connected at the start; 0 or {@code null}:
     *                all connected at the start; ignored when {@code percent} is given
     * @param percent 1..100: that share of the agents connected at the start, rounded up
     * @param rate    at least 1: agents disconnected per tick; {@code null}: all at once
     * @param tick    the period of {@code rate}, at least 1 ms; {@code null}: {@link #DEFAULT_TICK}
     * @throws IllegalArgumentException for a value out of range
     */
    public record Request(Integer count, Integer percent, Integer rate, Duration tick) {
        public Request {
            require(count == null || count >= 0, "count must be 0 or more");
            require(percent == null || (percent >= 1 && percent <= 100), "percent must be between 1 and 100");
            require(rate == null || rate >= 1, "rate must be at least 1");
            require(tick == null || tick.toMillis() >= 1, "tick must be at least 1ms");
            tick = tick == null ? DEFAULT_TICK : tick;
        }

        private static void require(boolean valid, String rule) {
            if (!valid) {
                throw new IllegalArgumentException(rule);
            }
        }
    }

    /**
     * A job as it runs: {@code count} is the number computed at the start; {@code rate} and
     * {@code tick} ({@code "1s"}, {@code "500ms"}) are {@code null} for a drain without a rate.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Job(int count, Integer percent, Integer rate, String tick) {
    }

    /**
     * How far a job got: {@code visited} counts calls to {@code disconnectOne()}, including a last
     * one that found no held poll; {@code drained} counts the polls closed; {@code finished} is
     * {@code null} while the job runs.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Progress(long visited, long drained, Instant started, Instant finished) {
    }

    /** What {@code GET /api/v2/agents/drain} answers; {@code job} and {@code progress} are null before the first drain. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Status(boolean active, Job job, Progress progress) {
    }

    private static final class Run {
        final Job job;
        final Instant started;
        final int perStep;
        long visited;
        long drained;
        Instant finished;
        long timer = -1;

        Run(Job job, Instant started, int perStep) {
            this.job = job;
            this.started = started;
            this.perStep = perStep;
        }

        boolean active() {
            return finished == null;
        }
    }

    private final Vertx vertx;
    private final AgentConnections connections;
    private final Clock clock;
    private final AtomicLong disconnected = new AtomicLong();
    private Run current; // guarded by this

    /** {@code clock} stamps the start and end of jobs. */
    public AgentDrain(Vertx vertx, AgentConnections connections, Clock clock) {
        this.vertx = vertx;
        this.connections = connections;
        this.clock = clock;
    }

    /**
     * Starts a drain job and returns its status (still active unless nothing was to drain).
     *
     * @throws IllegalStateException when a drain job is already running
     */
    public synchronized Status start(Request request) {
        if (current != null && current.active()) {
            throw new IllegalStateException("an agent drain is already running; cancel it first");
        }
        int connected = connections.connected();
        int count;
        if (request.percent() != null) {
            count = (int) Math.ceilDiv((long) connected * request.percent(), 100);
        } else if (request.count() != null && request.count() > 0) {
            count = Math.min(request.count(), connected);
        } else {
            count = connected;
        }
        boolean paced = request.rate() != null;
        Job job = new Job(count, request.percent(), request.rate(), paced ? formatTick(request.tick()) : null);
        Run run = new Run(job, clock.instant(), paced ? request.rate() : BATCH);
        current = run;
        LOG.info("agent drain started: {} of {} connected agents, {}", count, connected,
                paced ? request.rate() + " per " + job.tick() : "all at once");
        if (count == 0) {
            finish(run, "nothing to drain");
        } else if (paced) {
            run.timer = vertx.setPeriodic(request.tick().toMillis(), id -> step(run));
        } else {
            Context context = vertx.getOrCreateContext();
            context.runOnContext(v -> drainAll(run, context));
        }
        return status();
    }

    /**
     * Stops the running job; agents it already disconnected stay disconnected.
     *
     * @return the job's final status
     * @throws IllegalStateException when no drain job is running
     */
    public synchronized Status cancel() {
        if (current == null || !current.active()) {
            throw new IllegalStateException("no agent drain is running");
        }
        finish(current, "cancelled");
        return status();
    }

    /** The running or last job and its progress. */
    public synchronized Status status() {
        Run run = current;
        if (run == null) {
            return new Status(false, null, null);
        }
        return new Status(run.active(), run.job, new Progress(run.visited, run.drained, run.started, run.finished));
    }

    /** Whether a drain job is running. */
    public synchronized boolean isActive() {
        return current != null && current.active();
    }

    /**
     * Registers {@code heliograph_agent_drain_status} (1 while a drain job runs, else 0) and
     * {@code heliograph_agent_drain_count_total} (agents disconnected by drains since start).
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("heliograph.agent.drain.status", this, drain -> drain.isActive() ? 1 : 0)
                .description("Whether an agent drain is running (1) or not (0)").register(registry);
        FunctionCounter.builder("heliograph.agent.drain.count", disconnected, AtomicLong::get)
                .description("Agents whose held work poll was closed by a drain").register(registry);
    }

    /**
     * Parses a tick such as {@code 500ms}, {@code 1s}, {@code 1.5s}, {@code 2m} or {@code 1m30s}
     * (units {@code ms}, {@code s}, {@code m}, {@code h}; a subset of Go's {@code ParseDuration}).
     *
     * @throws IllegalArgumentException when it does not parse or is under 1 ms
     */
    public static Duration parseTick(String text) {
        Matcher part = TICK_PART.matcher(text);
        BigDecimal millis = BigDecimal.ZERO;
        int end = 0;
        while (part.lookingAt()) {
            BigDecimal unit = switch (part.group(2)) {
                case "ms" -> BigDecimal.ONE;
                case "s" -> BigDecimal.valueOf(1_000);
                case "m" -> BigDecimal.valueOf(60_000);
                default -> BigDecimal.valueOf(3_600_000);
            };
            millis = millis.add(new BigDecimal(part.group(1)).multiply(unit));
            end = part.end();
            part.region(end, text.length());
        }
        if (end == 0 || end != text.length()) {
            throw new IllegalArgumentException("tick must be a duration such as 500ms, 1s or 2m, not '" + text + "'");
        }
        if (millis.compareTo(BigDecimal.ONE) < 0) {
            throw new IllegalArgumentException("tick must be at least 1ms");
        }
        if (millis.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 1_000_000)) > 0) {
            throw new IllegalArgumentException("tick is too long");
        }
        return Duration.ofMillis(millis.longValue());
    }

    /** Writes a tick in the largest whole unit: {@code 1s}, {@code 90s}, {@code 2m}, {@code 1500ms}. */
    public static String formatTick(Duration tick) {
        long millis = tick.toMillis();
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        } else if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        } else if (millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis + "ms";
    }

    private void drainAll(Run run, Context context) {
        if (step(run)) {
            // One batch per turn, so that a large drain leaves the event loop to other work between batches.
            context.runOnContext(v -> drainAll(run, context));
        }
    }

    /** Closes up to one step's worth of polls; {@code true} while the job still runs. */
    private synchronized boolean step(Run run) {
        if (!run.active()) {
            return false;
        }
        for (int i = 0; i < run.perStep && run.drained < run.job.count(); i++) {
            run.visited++;
            if (!connections.disconnectOne()) {
                finish(run, "no more held polls");
                return false;
            }
            run.drained++;
            disconnected.incrementAndGet();
        }
        if (run.drained >= run.job.count()) {
            finish(run, "done");
            return false;
        }
        return true;
    }

    private void finish(Run run, String reason) {
        run.finished = clock.instant();
        if (run.timer >= 0) {
            vertx.cancelTimer(run.timer);
        }
        LOG.info("agent drain {}: {} of {} agents disconnected in {} ms ({})",
                "cancelled".equals(reason) ? "cancelled" : "finished", run.drained, run.job.count(),
                Duration.between(run.started, run.finished).toMillis(), reason);
    }
}
