package dev.heliograph.controlplane.alerting;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the notification outbox. Pending rows due now are claimed under a lease (several senders,
 * even in several control planes, never send one row at once; a crashed sender's rows are taken over
 * when its lease ends), sent through their channel's {@link ChannelSender}, and settled:
 * <ul>
 *   <li>delivered: done (a line {@code notified} in the incident's timeline);</li>
 *   <li>failed (network, 5xx, 429): retried after an exponential, randomised backoff
 *       (resilience4j's {@link IntervalFunction}: {@code retry_initial_ms} doubling to
 *       {@code retry_max_ms}, ±50 %), {@code resolved} ones like any other;</li>
 *   <li>rejected for good (PagerDuty's 400), or still failing {@code dead_letter_after_s} after it was
 *       written: dead letter, visible in {@code GET /api/v1/notifications?state=dead} and metered.</li>
 * </ul>
 * Each channel has a rate limit (resilience4j {@link RateLimiter}, {@code rate_limit_per_minute}); a
 * row over it waits for the next permit without counting an attempt. A grouped notification takes its
 * members at its first attempt and keeps them for its retries, so every retry sends the same content and
 * the same {@code webhook-id}. A crash between the incident change and the send loses nothing: the row
 * was written with the change and is sent after the restart.
 */
public final class NotificationDelivery extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(NotificationDelivery.class);

    /**
     * Delivery settings: backoff bounds, dead-letter age, attempt timeout, deliveries at once, poll period.
     */
    public record Settings(Duration retryInitial, Duration retryMax, Duration deadLetterAfter, Duration timeout, int maxInFlight,
                           Duration pollInterval) {
    }

    private final OutboxRows rows;
    private final Function<UUID, Future<Optional<AlertChannel>>> channels;
    private final ChannelSender sender;
    private final Clock clock;
    private final Settings settings;
    private final IntervalFunction backoff;
    private final ConcurrentHashMap<UUID, RateLimiter> limiters = new ConcurrentHashMap<>();
    private MeterRegistry registry;
    private Timer timeToDetect;
    private int inFlight;
    private boolean polling;
    private boolean pollAgain;
    private long timer = -1;

    /**
     * @param channels finds a channel with its secrets by id (any org); empty when it was deleted
     * @param sender   sends to a channel of any kind
     */
    public NotificationDelivery(OutboxRows rows, Function<UUID, Future<Optional<AlertChannel>>> channels, ChannelSender sender,
                                Clock clock, Settings settings) {
        this.rows = rows;
        this.channels = channels;
        this.sender = sender;
        this.clock = clock;
        this.settings = settings;
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(settings.retryInitial().toMillis(), 2.0, 0.5,
                settings.retryMax().toMillis());
    }

    /** The outbox of {@code pool}'s database. */
    public static OutboxRows outbox(io.vertx.sqlclient.Pool pool) {
        return new OutboxRows(pool);
    }

    /**
     * Registers {@code heliograph_notifications_total{kind, outcome}} (delivered, failed, rejected,
     * dead), {@code heliograph_notification_delivery_seconds{kind}} (written to delivered) and
     * {@code heliograph_incident_time_to_detect_seconds} (a down incident's first failing check to its
     * {@code opened} notification delivered).
     */
    public void bindTo(MeterRegistry meters) {
        this.registry = meters;
        this.timeToDetect = Timer.builder("heliograph.incident.time.to.detect")
                .description("First failing check of a down incident to its opened notification delivered")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(100)).maximumExpectedValue(Duration.ofHours(1))
                .register(meters);
    }

    @Override
    public Future<?> start() {
        timer = vertx.setPeriodic(settings.pollInterval().toMillis(), id -> poll());
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        return Future.succeededFuture();
    }

    /** New notifications were written: look at the outbox now (any thread). */
    public void wake() {
        if (context != null) {
            context.runOnContext(v -> poll());
        }
    }

    private void poll() {
        if (polling) {
            pollAgain = true;
            return;
        }
        int room = settings.maxInFlight() - inFlight;
        if (room <= 0) {
            return;
        }
        polling = true;
        Instant now = clock.instant();
        rows.claim(now, settings.timeout().plusSeconds(30), room).onComplete(claimed -> {
            polling = false;
            if (claimed.failed()) {
                LOG.warn("reading the notification outbox failed: {}", claimed.cause().getMessage());
                return;
            }
            List<OutboxRows.Claimed> due = claimed.result();
            due.forEach(this::deliver);
            if (pollAgain || due.size() == room) {
                pollAgain = false;
                vertx.runOnContext(v -> poll());
            }
        });
    }

    private void deliver(OutboxRows.Claimed row) {
        inFlight++;
        channels.apply(row.channelId())
                .compose(found -> found.isEmpty() ? settle(row, null, failed("the alert channel was deleted"), true)
                        : attempt(row, found.get()))
                .onFailure(error -> LOG.warn("delivering notification {} failed: {}", row.id(), error.getMessage(), error))
                .onComplete(done -> {
                    inFlight--;
                    if (pollAgain) {
                        poll();
                    }
                });
    }

    private Future<Void> attempt(OutboxRows.Claimed row, AlertChannel channel) {
        if (!channel.enabled()) {
            return settle(row, channel, failed("the alert channel is disabled"), false);
        }
        if (!limiter(channel).acquirePermission()) {
            return rows.postpone(row, clock.instant().plus(refreshPeriod(channel.rateLimitPerMinute())));
        }
        Future<NotificationMessage> message = row.message() != null ? Future.succeededFuture(row.message()) : renderGroup(row);
        return message.compose(rendered -> {
            if (rendered == null) {
                return rows.suppress(row);
            }
            OutboxRows.Claimed withMessage = new OutboxRows.Claimed(row.id(), row.orgId(), row.channelId(), row.incidentId(), row.event(),
                    rendered, row.groupKey(), row.attempts(), row.createdAt(), row.firstFailureAt(), row.lease());
            return sender.send(channel, rendered)
                    .recover(error -> Future.succeededFuture(failed("sender failed: " + error)))
                    .compose(result -> settle(withMessage, channel, result, false));
        });
    }

    /** Renders a grouped notification from the members it takes now, or the ones it took at its first attempt. */
    private Future<NotificationMessage> renderGroup(OutboxRows.Claimed row) {
        return rows.takeMembers(row).compose(taken -> (taken.isEmpty() ? rows.members(row.id()) : Future.succeededFuture(taken))
                .compose(members -> {
                    if (members.isEmpty()) {
                        return Future.succeededFuture(null);
                    }
                    NotificationMessage message = GroupMessages.of(row, members, clock.instant());
                    return rows.render(row, message).map(message);
                }));
    }

    private Future<Void> settle(OutboxRows.Claimed row, AlertChannel channel, DeliveryResult result, boolean dead) {
        Instant now = clock.instant();
        int attempt = row.attempts() + 1;
        String kind = channel == null ? "unknown" : channel.kind().wire();
        String state;
        Instant next = now;
        String type;
        String line;
        String name = channel == null ? row.channelId().toString() : channel.name();
        if (result.delivered()) {
            state = "delivered";
            type = "notified";
            line = "notified " + name + " (" + kind + ") of " + row.event().wire();
        } else {
            Instant retryAt = now.plusMillis(backoff.apply(attempt));
            if (result.retryAfter() != null && now.plus(result.retryAfter()).isAfter(retryAt)) {
                retryAt = now.plus(result.retryAfter()); // the receiver's Retry-After, when it asks for longer
            }
            boolean expired = retryAt.isAfter(row.createdAt().plus(settings.deadLetterAfter()));
            dead = dead || result.outcome() == DeliveryResult.Outcome.REJECTED || expired;
            state = dead ? "dead" : "pending";
            next = dead ? now : retryAt;
            type = dead ? "notification_failed" : null;
            line = "giving up on notifying " + name + " (" + kind + ") of " + row.event().wire() + " after " + attempt + " attempts: "
                    + result.error();
            if (dead) {
                LOG.warn("notification {} to channel {} is a dead letter after {} attempts: {}", row.id(), row.channelId(), attempt,
                        result.error());
            }
        }
        count(kind, result.delivered() ? "delivered" : result.outcome() == DeliveryResult.Outcome.REJECTED ? "rejected" : "failed");
        if ("dead".equals(state)) {
            count(kind, "dead");
        }
        Instant settledNext = next;
        return rows.settle(row, result, attempt, state, now, settledNext, type, line).onSuccess(v -> {
            if (result.delivered()) {
                delivered(row, kind, now);
            }
        });
    }

    private void delivered(OutboxRows.Claimed row, String kind, Instant now) {
        if (registry == null) {
            return;
        }
        Timer.builder("heliograph.notification.delivery").tag("kind", kind)
                .description("A notification written to the outbox until its channel took it")
                .publishPercentileHistogram().register(registry)
                .record(Math.max(0, now.toEpochMilli() - row.createdAt().toEpochMilli()), TimeUnit.MILLISECONDS);
        if (row.event() == NotificationEvent.OPENED && row.firstFailureAt() != null) {
            timeToDetect.record(Math.max(0, now.toEpochMilli() - row.firstFailureAt().toEpochMilli()), TimeUnit.MILLISECONDS);
        }
    }

    private void count(String kind, String outcome) {
        if (registry != null) {
            Counter.builder("heliograph.notifications").tag("kind", kind).tag("outcome", outcome)
                    .description("Notification delivery attempts by channel kind and outcome (dead: given up)")
                    .register(registry).increment();
        }
    }

    private RateLimiter limiter(AlertChannel channel) {
        RateLimiter limiter = limiters.get(channel.id());
        int perMinute = channel.rateLimitPerMinute();
        if (limiter == null || limiter.getRateLimiterConfig().getLimitForPeriod() != permitsPerPeriod(perMinute)
                || !limiter.getRateLimiterConfig().getLimitRefreshPeriod().equals(refreshPeriod(perMinute))) {
            limiter = RateLimiter.of(channel.id().toString(), RateLimiterConfig.custom()
                    .limitForPeriod(permitsPerPeriod(perMinute)).limitRefreshPeriod(refreshPeriod(perMinute))
                    .timeoutDuration(Duration.ZERO).build());
            limiters.put(channel.id(), limiter);
        }
        return limiter;
    }

    /** Up to 60 a minute: one permit every 60/n s; above: n/60 permits every second. */
    static int permitsPerPeriod(int perMinute) {
        return perMinute <= 60 ? 1 : Math.max(1, perMinute / 60);
    }

    static Duration refreshPeriod(int perMinute) {
        return perMinute <= 60 ? Duration.ofMillis(60_000L / Math.max(1, perMinute)) : Duration.ofSeconds(1);
    }

    private static DeliveryResult failed(String why) {
        return new DeliveryResult(DeliveryResult.Outcome.FAILED, 0, "", why, Duration.ZERO);
    }
}
