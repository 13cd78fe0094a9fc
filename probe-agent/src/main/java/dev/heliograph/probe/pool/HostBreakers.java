package dev.heliograph.probe.pool;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.heliograph.domain.Status;
import dev.heliograph.probe.EngineSettings.BreakerSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One resilience4j {@link CircuitBreaker} per target host (as {@link HostKey#host()} spells it),
 * shared by every tenant: a count-based window over the host's last {@code slidingWindow} checks
 * opens the breaker when at least {@code failureRatePercent} of them were {@link Status#DOWN}
 * (counted once {@code minimumChecks} were seen). It stays open for {@code openDuration}; the first
 * check asked for after that moves it to half-open and runs for real, as do up to
 * {@code halfOpenChecks} trials, whose verdicts close or reopen it. There is no background timer
 * (automatic open → half-open is off), so idle breakers cost no thread.
 *
 * <p>Callers record {@code up}/{@code degraded}/{@code down} with
 * {@link CircuitBreaker#onResult} and a {@link Status}; for anything else (an {@code error}: the
 * probe could not judge the host) they call {@link CircuitBreaker#releasePermission()}.
 *
 * <p>At most {@code maxHosts} breakers are kept, and one that was not asked for during
 * {@code idleAfter} is dropped; a dropped breaker comes back closed with an empty window. Each state
 * change is logged once at INFO and reported to the transition listener. Why a Caffeine cache and
 * not resilience4j's {@code CircuitBreakerRegistry}: the registry keeps every breaker it ever made,
 * so a million distinct hosts would grow memory without bound. Thread-safe.
 */
public final class HostBreakers {
    private static final Logger LOG = LoggerFactory.getLogger(HostBreakers.class);

    private final BreakerSettings settings;
    private final CircuitBreakerConfig config;
    private final Cache<String, CircuitBreaker> breakers;
    private final Consumer<State> onTransition;

    /**
     * @param settings     window, threshold and durations; invalid values (for example a failure rate
     *                     outside 1..100 or a window below 1) throw {@link IllegalArgumentException}
     * @param clock        decides when an open breaker may go half-open
     * @param maxHosts     most breakers kept at once, at least 1
     * @param idleAfter    a breaker not asked for this long is dropped
     * @param onTransition told the state each breaker moves to; must not block
     */
    public HostBreakers(BreakerSettings settings, Clock clock, long maxHosts, Duration idleAfter,
                        Consumer<State> onTransition) {
        this.settings = settings;
        this.config = config(settings, clock);
        this.breakers = Caffeine.newBuilder().maximumSize(maxHosts).expireAfterAccess(idleAfter).build();
        this.onTransition = onTransition;
    }

    /** The breaker of {@code host} (lower-cased by the caller), created closed on first use. */
    public CircuitBreaker forHost(String host) {
        return breakers.get(host, this::create);
    }

    /** How many breakers kept now are in {@code state}; walks every breaker, so call it per scrape, not per check. */
    public long countIn(State state) {
        return breakers.asMap().values().stream().filter(breaker -> breaker.getState() == state).count();
    }

    /** The settings these breakers were made with. */
    public BreakerSettings settings() {
        return settings;
    }

    private CircuitBreaker create(String host) {
        CircuitBreaker breaker = CircuitBreaker.of(host, config);
        breaker.getEventPublisher().onStateTransition(event -> {
            CircuitBreaker.StateTransition transition = event.getStateTransition();
            LOG.info("circuit breaker of host {}: {} -> {}", host, wire(transition.getFromState()),
                    wire(transition.getToState()));
            onTransition.accept(transition.getToState());
        });
        return breaker;
    }

    /** A state as metrics and logs spell it: {@code closed}, {@code open}, {@code half_open}. */
    public static String wire(State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private static CircuitBreakerConfig config(BreakerSettings settings, Clock clock) {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.slidingWindow())
                .minimumNumberOfCalls(settings.minimumChecks())
                .failureRateThreshold(settings.failureRatePercent())
                .waitDurationInOpenState(settings.openDuration())
                .permittedNumberOfCallsInHalfOpenState(settings.halfOpenChecks())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordResult(result -> result == Status.DOWN)
                // Slowness is the executor's verdict (degraded), never a breaker failure.
                .slowCallRateThreshold(100)
                .slowCallDurationThreshold(Duration.ofDays(1))
                .writableStackTraceEnabled(false)
                .clock(clock)
                .build();
    }
}
