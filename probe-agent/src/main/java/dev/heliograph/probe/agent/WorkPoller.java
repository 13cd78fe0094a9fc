package dev.heliograph.probe.agent;

import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.probe.ProbeEngine;
import dev.heliograph.probe.agent.protocol.JobResult;
import dev.heliograph.probe.agent.protocol.WireJob;
import dev.heliograph.probe.agent.protocol.WireResult;
import dev.heliograph.probe.agent.protocol.WireTarget;
import dev.heliograph.probe.agent.protocol.WorkResponse;
import dev.heliograph.probe.check.Check;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long-polls the control plane for work, one poll at a time, with the version of the last assignment
 * received (0 at first). An assignment replaces the engine's whole target set; a job is checked once,
 * at once, and its result posted to the job (never written to the write-ahead log). After 204 (hold
 * timeout) it polls again at once. When the control plane cannot be reached it keeps the last
 * assignment running and tries again with backoff (1 s doubling to 15 s, jittered); a 503 is
 * honoured with its {@code Retry-After} plus up to 1 s of jitter; the first success after failures
 * calls {@code reconnected}. A refusal (401, 403: key revoked) is handed to {@code refused} and
 * polling stops.
 */
final class WorkPoller {
    private static final Logger LOG = LoggerFactory.getLogger(WorkPoller.class);
    private static final Duration RETRY_AFTER_SPREAD = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final AgentClient client;
    private final ProbeEngine engine;
    private final RegionId region;
    private final Clock clock;
    private final Consumer<AgentCallException> refused;
    private final Runnable reconnected;
    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(15));
    private volatile long version;
    private volatile boolean stopped;
    private volatile long timer = -1;
    private boolean failing;

    /**
     * @param refused     called once when the control plane refuses this agent
     * @param reconnected called when a poll succeeds after failures (the control plane is back)
     */
    WorkPoller(Vertx vertx, AgentClient client, ProbeEngine engine, RegionId region, Clock clock,
               Consumer<AgentCallException> refused, Runnable reconnected) {
        this.vertx = vertx;
        this.client = client;
        this.engine = engine;
        this.region = region;
        this.clock = clock;
        this.refused = refused;
        this.reconnected = reconnected;
    }

    /** Starts polling. */
    void start() {
        poll();
    }

    /** Stops polling; a poll the server holds is left to fail when the client closes. */
    void stop() {
        stopped = true;
        vertx.cancelTimer(timer);
    }

    /** The version of the last assignment applied (0 before the first). */
    long version() {
        return version;
    }

    private void poll() {
        if (stopped) {
            return;
        }
        client.work(version)
                .compose(this::handle)
                .onComplete(done -> {
                    if (stopped) {
                        return;
                    }
                    if (done.succeeded()) {
                        backoff.reset();
                        if (failing) {
                            failing = false;
                            reconnected.run();
                        }
                        poll();
                    } else {
                        retryAfter(done.cause());
                    }
                });
    }

    private Future<Void> handle(Optional<WorkResponse> answer) {
        if (stopped || answer.isEmpty()) {
            return Future.succeededFuture();
        }
        WorkResponse work = answer.get();
        if (WorkResponse.ASSIGNMENT.equals(work.type()) && work.version() != null && work.targets() != null) {
            return apply(work.version(), work.targets());
        }
        if (WorkResponse.JOB.equals(work.type()) && work.job() != null) {
            run(work.job());
            return Future.succeededFuture();
        }
        return Future.failedFuture(AgentCallException.answered("GET work", 200, null,
                "unknown work type '" + work.type() + "' or missing fields", null));
    }

    private Future<Void> apply(long assignmentVersion, List<WireTarget> wireTargets) {
        List<Target> targets = new ArrayList<>(wireTargets.size());
        for (WireTarget wire : wireTargets) {
            try {
                targets.add(wire.toTarget(region));
            } catch (RuntimeException e) {
                LOG.warn("assignment {}: skipping target {}: {}", assignmentVersion, wire.id(), e.getMessage());
            }
        }
        return engine.sync(targets).onSuccess(v -> {
            version = assignmentVersion;
            LOG.info("assignment {}: checking {} targets", assignmentVersion, targets.size());
        });
    }

    private void run(WireJob job) {
        Target target;
        try {
            target = job.target().toTarget(region);
        } catch (RuntimeException e) {
            LOG.warn("job {}: cannot read its target: {}", job.jobId(), e.getMessage());
            return;
        }
        engine.runNow(new Check(target, region, clock.instant()))
                .compose(result -> client.jobResult(job.jobId(), new JobResult(WireResult.of(0, result))))
                .onFailure(e -> {
                    if (e instanceof AgentCallException call && call.status() == 404) {
                        LOG.debug("job {} ended on the control plane before its result came", job.jobId());
                    } else {
                        LOG.warn("job {}: cannot post its result: {}", job.jobId(), e.getMessage());
                    }
                });
    }

    private void retryAfter(Throwable failure) {
        if (failure instanceof AgentCallException e && e.kind() == AgentCallException.Kind.REFUSED) {
            stopped = true;
            refused.accept(e);
            return;
        }
        failing = true;
        long delayMs;
        if (failure instanceof AgentCallException e && e.status() == 503 && e.retryAfter() != null) {
            delayMs = Backoff.jittered(e.retryAfter(), RETRY_AFTER_SPREAD);
            LOG.debug("control plane asks to poll again in {} s", e.retryAfter().toSeconds());
        } else {
            delayMs = backoff.next();
            LOG.warn("cannot poll for work: {}; keeping the last assignment, polling again in {} ms",
                    failure.getMessage(), delayMs);
        }
        timer = vertx.setTimer(delayMs, id -> poll());
    }
}
