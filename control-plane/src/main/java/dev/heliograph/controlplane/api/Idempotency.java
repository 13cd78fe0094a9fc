package dev.heliograph.controlplane.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.heliograph.controlplane.storage.postgres.PgIdempotencyStore;
import dev.heliograph.domain.OrgId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Idempotency-Key} for routes declared {@link ApiRoute#idempotent()}: a request repeated with
 * the same key and the same request ({@link IdempotentRequest}: method, URI, body) within the key's
 * time to live gets the first request's answer (status, {@code Content-Type}, {@code Location},
 * body; plus {@code Idempotent-Replayed: true}) and the work does not run again. Keys are scoped by
 * org. A request without the header runs as usual.
 *
 * <ul>
 *   <li>The key's PostgreSQL row is the lock ({@link PgIdempotencyStore#claim}): of concurrent
 *       requests with one key, on one control plane or several, exactly one runs the work; the others
 *       poll the row until its answer is stored, at most {@code wait}, then get 409
 *       {@code IDEMPOTENCY_KEY_IN_PROGRESS} (with {@code Retry-After: 1}).</li>
 *   <li>The same key with another request: 422 {@code IDEMPOTENCY_KEY_REUSED}, whether the first is
 *       finished or still running.</li>
 *   <li>Answers below 500 are stored, 4xx included: a refused request was decided, and repeating it
 *       must not change the decision (fix the request and send it under a new key). A 5xx answer
 *       deletes the claim, so a retry with the same key runs the work again.</li>
 *   <li>A running claim is a lease of {@value #LEASE_S} s, renewed every {@value #RENEW_S} s while
 *       the work runs (for at most {@value #MAX_RUN_MIN} minutes): when the process dies mid-request, a
 *       retry of the same request can take the key over once the lease ran out.</li>
 *   <li>Finished answers are also kept in a Caffeine cache (by org and key, until the key expires,
 *       at most {@value #CACHE_MAX_BYTES} bytes of bodies), so repeats mostly skip PostgreSQL. The
 *       rows outlive a restart and serve every replica.</li>
 *   <li>Expired keys are deleted at {@link #start} and then every hour.</li>
 * </ul>
 *
 * <p>How answers are captured: the route's handler must answer through {@link Responses}
 * ({@link Responses#json}, {@link Responses#send}) or fail the context (the {@link FailureHandler}
 * writes through {@link Responses#send} too); {@link Responses#send} hands each answer to
 * {@link #answered} and writes it once it is stored, so a client that received an answer gets the
 * same one on a retry, even from another replica or after a restart. An answer without a body
 * ({@code 204}) written directly is stored as well, after it was sent; any other answer that
 * bypasses {@link Responses} is not stored (the claim is released and a warning logged), so a
 * retry would run the work again.
 */
public final class Idempotency {
    private static final Logger LOG = LoggerFactory.getLogger(Idempotency.class);
    static final String CAPTURE = "heliograph.idempotency.capture";
    static final long LEASE_S = 30;
    static final long RENEW_S = 10;
    static final long MAX_RUN_MIN = 10;
    static final long CACHE_MAX_BYTES = 32L * 1024 * 1024;
    static final Duration PRUNE_INTERVAL = Duration.ofHours(1);
    private static final long FIRST_POLL_MS = 20;
    private static final long MAX_POLL_MS = 250;

    private final Vertx vertx;
    private final PgIdempotencyStore store;
    private final Clock clock;
    private final Duration ttl;
    private final Duration wait;
    private final Cache<Scope, Answer> answers;
    private long pruneTimer = -1;

    private record Scope(OrgId org, String key) {
    }

    /** A finished answer as the cache keeps it. */
    private record Answer(byte[] fingerprint, int status, String contentType, String location, byte[] body, Instant expiresAt) {
    }

    /**
     * @param ttl  how long a key is kept after its first request (config {@code api.idempotency_ttl_h})
     * @param wait how long a repeat waits for a first request that is still running (config
     *             {@code api.idempotency_wait_s}); zero answers 409 at once
     */
    public Idempotency(Vertx vertx, PgIdempotencyStore store, Clock clock, Duration ttl, Duration wait) {
        this.vertx = vertx;
        this.store = store;
        this.clock = clock;
        this.ttl = ttl;
        this.wait = wait;
        this.answers = Caffeine.newBuilder()
                .maximumWeight(CACHE_MAX_BYTES)
                .weigher((Scope scope, Answer answer) -> answer.body().length + scope.key().length() + 128)
                .expireAfter(Expiry.writing((Scope scope, Answer answer) -> positive(Duration.between(clock.instant(), answer.expiresAt()))))
                .build();
    }

    /** Deletes the expired keys now, then every hour until {@link #stop}; completes after the first pass. */
    public Future<Integer> start() {
        pruneTimer = vertx.setPeriodic(PRUNE_INTERVAL.toMillis(), id -> prune());
        return prune();
    }

    /** Stops the hourly pruning. */
    public void stop() {
        if (pruneTimer >= 0) {
            vertx.cancelTimer(pruneTimer);
            pruneTimer = -1;
        }
    }

    /** Deletes every key that expired by now; completes with how many (a failure is logged and passed on). */
    public Future<Integer> prune() {
        return store.prune(clock.instant())
                .onSuccess(n -> LOG.debug("pruned {} expired idempotency keys", n))
                .onFailure(e -> LOG.warn("pruning idempotency keys failed: {}", e.toString()));
    }

    /**
     * Runs {@code work} (the route's handler) for {@code ctx} under its {@code Idempotency-Key}: at
     * once when the request has none; otherwise once per key, replaying the stored answer to repeats.
     * Must be called on the request's context, after authentication ({@link ApiServer#org}).
     *
     * @param route the route's name, {@code "POST /api/v1/targets"}
     */
    public void run(RoutingContext ctx, String route, Runnable work) {
        IdempotentRequest request = IdempotentRequest.of(ctx, route);
        if (request == null) {
            work.run();
            return;
        }
        Answer cached = answers.getIfPresent(new Scope(request.org(), request.key()));
        if (cached != null && cached.expiresAt().isAfter(clock.instant())) {
            replayOrRefuse(ctx, request, cached);
            return;
        }
        attempt(ctx, request, work, clock.millis() + wait.toMillis(), FIRST_POLL_MS);
    }

    /**
     * Called by {@link Responses#send} with every answer before it is written: when the request holds
     * an idempotency claim, stores the answer (below 500) or releases the claim (5xx). Completes when
     * that is done (at once without a claim); it never fails (a failure to store is logged).
     */
    static Future<Void> answered(RoutingContext ctx, int status, String contentType, Buffer body) {
        Capture capture = ctx.get(CAPTURE);
        if (capture == null) {
            return Future.succeededFuture();
        }
        return capture.answer(status, contentType, ctx.response().headers().get("location"), body.getBytes());
    }

    private void attempt(RoutingContext ctx, IdempotentRequest request, Runnable work, long deadline, long pollMs) {
        Instant now = clock.instant();
        UUID owner = UUID.randomUUID();
        PgIdempotencyStore.Claim claim = new PgIdempotencyStore.Claim(request.org(), request.key(), request.route(),
                request.fingerprint(), owner, now, now.plusSeconds(LEASE_S), now.plus(ttl));
        store.claim(claim).onComplete(claimed -> ApiServer.withRequestId(ctx, () -> {
            if (claimed.failed()) {
                ctx.fail(claimed.cause());
            } else if (claimed.result()) {
                execute(ctx, request, claim, work);
            } else {
                inspect(ctx, request, work, deadline, pollMs);
            }
        }));
    }

    /** The key is held by another request: replay its answer, refuse, wait for it, or claim it again. */
    private void inspect(RoutingContext ctx, IdempotentRequest request, Runnable work, long deadline, long pollMs) {
        store.find(request.org(), request.key()).onComplete(found -> ApiServer.withRequestId(ctx, () -> {
            if (found.failed()) {
                ctx.fail(found.cause());
                return;
            }
            PgIdempotencyStore.Stored stored = found.result().orElse(null);
            Instant now = clock.instant();
            boolean live = stored != null && stored.expiresAt().isAfter(now);
            // Released (the first answered 5xx), pruned, expired, or its process died: it may be claimed.
            boolean claimable = !live || !stored.finished() && !stored.lockedUntil().isAfter(now);
            long nextPollMs = Math.min(MAX_POLL_MS, pollMs * 2);
            if (live && !Arrays.equals(stored.fingerprint(), request.fingerprint())) {
                ctx.fail(reused(request));
            } else if (live && stored.finished()) {
                Answer answer = new Answer(stored.fingerprint(), stored.status(), stored.contentType(), stored.location(),
                        stored.body(), stored.expiresAt());
                answers.put(new Scope(request.org(), request.key()), answer);
                replayOrRefuse(ctx, request, answer);
            } else if (claimable && (clock.millis() < deadline || pollMs == FIRST_POLL_MS)) {
                attempt(ctx, request, work, deadline, nextPollMs);
            } else if (clock.millis() >= deadline) {
                ctx.response().putHeader("retry-after", "1");
                ctx.fail(new ApiException(409, "IDEMPOTENCY_KEY_IN_PROGRESS", "a request with this " + IdempotentRequest.HEADER
                        + " is still running; retry later", Map.of("header", IdempotentRequest.HEADER)));
            } else {
                long delay = Math.max(1, Math.min(pollMs, deadline - clock.millis()));
                vertx.setTimer(delay, id -> inspect(ctx, request, work, deadline, nextPollMs));
            }
        }));
    }

    private void execute(RoutingContext ctx, IdempotentRequest request, PgIdempotencyStore.Claim claim, Runnable work) {
        Capture capture = new Capture(request, claim);
        ctx.put(CAPTURE, capture);
        long stopRenewingAt = clock.millis() + Duration.ofMinutes(MAX_RUN_MIN).toMillis();
        capture.renewTimer = vertx.setPeriodic(Duration.ofSeconds(RENEW_S).toMillis(), id -> {
            if (capture.done || clock.millis() >= stopRenewingAt) {
                vertx.cancelTimer(id);
                return;
            }
            store.renew(request.org(), request.key(), claim.owner(), clock.instant().plusSeconds(LEASE_S))
                    .onFailure(e -> LOG.warn("renewing idempotency key of request {} failed: {}", ApiServer.requestId(ctx), e.toString()));
        });
        ctx.addEndHandler(ended -> capture.responseEnded(ctx, ended.succeeded()));
        try {
            work.run();
        } catch (RuntimeException e) {
            ctx.fail(e);
        }
    }

    private void replayOrRefuse(RoutingContext ctx, IdempotentRequest request, Answer answer) {
        if (!Arrays.equals(answer.fingerprint(), request.fingerprint())) {
            ctx.fail(reused(request));
            return;
        }
        HttpServerResponse response = ctx.response().setStatusCode(answer.status()).putHeader("idempotent-replayed", "true");
        if (answer.contentType() != null) {
            response.putHeader("content-type", answer.contentType());
        }
        if (answer.location() != null) {
            response.putHeader("location", answer.location());
        }
        response.end(Buffer.buffer(answer.body()));
    }

    private static ApiException reused(IdempotentRequest request) {
        return new ApiException(422, "IDEMPOTENCY_KEY_REUSED", "this " + IdempotentRequest.HEADER
                + " was used for another request (method, path or body differ); use a new key for a new request",
                Map.of("header", IdempotentRequest.HEADER));
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** The claim of one running request, waiting for its answer. Confined to the request's context. */
    private final class Capture {
        private final IdempotentRequest request;
        private final PgIdempotencyStore.Claim claim;
        private boolean done;
        private long renewTimer = -1;

        Capture(IdempotentRequest request, PgIdempotencyStore.Claim claim) {
            this.request = request;
            this.claim = claim;
        }

        Future<Void> answer(int status, String contentType, String location, byte[] body) {
            if (done) {
                return Future.succeededFuture();
            }
            done = true;
            vertx.cancelTimer(renewTimer);
            if (status >= 500) {
                return release("it answered " + status);
            }
            Answer answer = new Answer(request.fingerprint(), status, contentType, location, body, claim.expiresAt());
            return store.finish(request.org(), request.key(), claim.owner(), status, contentType, location, body).transform(stored -> {
                if (stored.succeeded() && stored.result()) {
                    answers.put(new Scope(request.org(), request.key()), answer);
                } else {
                    LOG.warn("the answer to {} with idempotency key of org {} was not stored ({}); a retry may run it again",
                            request.route(), request.org(), stored.failed() ? stored.cause().toString() : "the claim was taken over");
                }
                return Future.<Void>succeededFuture();
            });
        }

        /** The response is done ({@code written}) or its connection is gone, maybe before the work answered. */
        void responseEnded(RoutingContext ctx, boolean written) {
            if (done) {
                return;
            }
            HttpServerResponse response = ctx.response();
            if (written && response.bytesWritten() == 0 && response.getStatusCode() < 500) {
                answer(response.getStatusCode(), response.headers().get("content-type"), response.headers().get("location"), new byte[0]);
            } else if (response.headWritten()) {
                done = true;
                vertx.cancelTimer(renewTimer);
                LOG.warn("{} answered around Responses; its answer cannot be replayed", request.route());
                release("its answer was not captured");
            }
            // Else the client left before the work answered: the work goes on and answer() stores its result.
        }

        private Future<Void> release(String why) {
            return store.release(request.org(), request.key(), claim.owner()).transform(released -> {
                if (released.failed()) {
                    LOG.warn("releasing the idempotency key of {} ({}) failed: {}", request.route(), why, released.cause().toString());
                }
                return Future.<Void>succeededFuture();
            });
        }
    }
}
