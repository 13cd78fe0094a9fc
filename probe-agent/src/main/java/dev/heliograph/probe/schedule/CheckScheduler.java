package dev.heliograph.probe.schedule;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.check.Check;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Plans periodic checks of every target scheduled in one region: one timer per target, the first
 * tick at a random offset inside the interval (or inside a shorter first-tick window, see
 * {@link #start(Vertx, RegionId, Duration, Duration, Clock, int, Consumer)}), then every
 * interval ± jitter (see
 * {@link ScheduleLane}). Targets are spread over several lanes, one per event loop, by their id, so
 * the timers and the checks they start use every core. Changes apply within one event-loop turn;
 * nothing rescans the whole set except {@link #sync}.
 *
 * <p>Thread-safe: every method hands its work to the owning lane's event loop.
 */
public final class CheckScheduler {
    /**
     * The default first-tick window: a new target's first tick lands anywhere in its first interval,
     * which spreads the checks of many targets added together evenly over time.
     */
    public static final Duration WHOLE_INTERVAL = ChronoUnit.FOREVER.getDuration();

    private final List<ScheduleLane> lanes;

    private CheckScheduler(List<ScheduleLane> lanes) {
        this.lanes = lanes;
    }

    /**
     * Deploys {@code laneCount} lanes and completes with the scheduler once they run; first ticks
     * are spread over the {@link #WHOLE_INTERVAL}.
     *
     * @param maxJitter largest shift of one tick from its grid point, capped at half the interval
     * @param dispatch  called on a lane's event loop for every due check; must not block
     */
    public static Future<CheckScheduler> start(Vertx vertx, RegionId region, Duration maxJitter, Clock clock,
                                               int laneCount, Consumer<Check> dispatch) {
        return start(vertx, region, maxJitter, WHOLE_INTERVAL, clock, laneCount, dispatch);
    }

    /**
     * Deploys {@code laneCount} lanes and completes with the scheduler once they run.
     *
     * @param maxJitter       largest shift of one tick from its grid point, capped at half the interval
     * @param firstTickWindow a target scheduled (or given a new interval) at {@code now} gets its first
     *                        grid point at {@code now + r}, {@code r} random in
     *                        {@code [0, min(firstTickWindow, interval))}; zero puts every first tick at
     *                        {@code now}, {@link #WHOLE_INTERVAL} is the default. A short window makes
     *                        many targets due at once (the in-flight benchmark uses it).
     * @param dispatch        called on a lane's event loop for every due check; must not block
     * @throws IllegalArgumentException a negative jitter or window (as a failed future)
     */
    public static Future<CheckScheduler> start(Vertx vertx, RegionId region, Duration maxJitter, Duration firstTickWindow,
                                               Clock clock, int laneCount, Consumer<Check> dispatch) {
        if (maxJitter.isNegative() || firstTickWindow.isNegative()) {
            return Future.failedFuture(new IllegalArgumentException(
                    "maxJitter and firstTickWindow must not be negative, were " + maxJitter + " and " + firstTickWindow));
        }
        List<ScheduleLane> lanes = new ArrayList<>();
        List<Future<String>> deployed = new ArrayList<>();
        for (int i = 0; i < laneCount; i++) {
            ScheduleLane lane = new ScheduleLane(region, maxJitter, firstTickWindow, clock, dispatch);
            lanes.add(lane);
            deployed.add(vertx.deployVerticle(lane));
        }
        return Future.all(deployed).map(done -> new CheckScheduler(List.copyOf(lanes)));
    }

    /** Schedules {@code target}, or updates it in place when it is already scheduled. */
    public void upsert(Target target) {
        ScheduleLane lane = laneOf(target.id());
        lane.onLane(() -> lane.upsert(target));
    }

    /**
     * A result of one of the scheduled targets arrived: counts its failures and plans a retry while
     * it fails below its failure threshold ({@link ScheduleLane}). Results of unscheduled targets are
     * ignored.
     */
    public void observed(CheckResult result) {
        ScheduleLane lane = laneOf(result.targetId());
        lane.onLane(() -> lane.observed(result));
    }

    /** Stops scheduling {@code id}; unknown ids are ignored. */
    public void remove(TargetId id) {
        ScheduleLane lane = laneOf(id);
        lane.onLane(() -> lane.remove(id));
    }

    /**
     * Makes the schedule equal to {@code targets}: adds new ones, updates those whose version
     * changed, removes those absent. Used by the periodic repair from the target store.
     */
    public Future<Void> sync(Collection<Target> targets) {
        Map<ScheduleLane, List<Target>> byLane = new HashMap<>();
        lanes.forEach(lane -> byLane.put(lane, new ArrayList<>()));
        targets.forEach(target -> byLane.get(laneOf(target.id())).add(target));
        List<Future<Void>> done = new ArrayList<>();
        byLane.forEach((lane, wanted) -> done.add(onLane(lane, () -> {
            Map<TargetId, Long> current = lane.versions();
            Set<TargetId> keep = wanted.stream().map(Target::id).collect(Collectors.toSet());
            current.keySet().stream().filter(id -> !keep.contains(id)).toList().forEach(lane::remove);
            wanted.stream()
                    .filter(target -> !Long.valueOf(target.version()).equals(current.get(target.id())))
                    .forEach(lane::upsert);
        })));
        return Future.all(done).mapEmpty();
    }

    /** How many targets are scheduled now. */
    public Future<Integer> size() {
        List<Future<Integer>> sizes = lanes.stream().map(lane -> onLaneGet(lane, () -> lane.versions().size())).toList();
        return Future.all(sizes).map(all -> sizes.stream().mapToInt(Future::result).sum());
    }

    /**
     * Changes the largest shift of a tick from its grid point (zero or more, capped at half of each
     * target's interval); applies from each target's next armed tick, without moving its grid.
     * Completes when every lane has taken it.
     */
    public Future<Void> maxJitter(Duration maxJitter) {
        if (maxJitter.isNegative()) {
            throw new IllegalArgumentException("maxJitter must not be negative, was " + maxJitter);
        }
        return Future.all(lanes.stream().map(lane -> onLane(lane, () -> lane.maxJitter(maxJitter))).toList()).mapEmpty();
    }

    /** Cancels every timer; completes when no lane will dispatch another check. */
    public Future<Void> stop() {
        return Future.all(lanes.stream().map(lane -> onLane(lane, lane::halt)).toList()).mapEmpty();
    }

    private ScheduleLane laneOf(TargetId id) {
        return lanes.get(Math.floorMod(id.hashCode(), lanes.size()));
    }

    private static Future<Void> onLane(ScheduleLane lane, Runnable action) {
        return onLaneGet(lane, () -> {
            action.run();
            return null;
        });
    }

    private static <T> Future<T> onLaneGet(ScheduleLane lane, Supplier<T> action) {
        Promise<T> promise = Promise.promise();
        lane.onLane(() -> promise.complete(action.get()));
        return promise.future();
    }
}
