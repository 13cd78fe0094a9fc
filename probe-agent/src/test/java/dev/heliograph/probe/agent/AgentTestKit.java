package dev.heliograph.probe.agent;

import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.TargetId;
import dev.heliograph.domain.Uuid7;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/** Results and waiting helpers shared by the agent tests. */
final class AgentTestKit {
    static final RegionId REGION = new RegionId("eu-test");
    static final TargetId TARGET = TargetId.random();

    private AgentTestKit() {
    }

    /** An up result of {@link #TARGET} whose HTTP status is {@code marker}, so tests can tell results apart. */
    static CheckResult result(int marker) {
        Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
        return new CheckResult(Uuid7.next(), TARGET, OrgId.DEFAULT, REGION, "agent-1", CheckKind.HTTP, now, now,
                Status.UP, Failure.NONE, marker, "", new PhaseTimings(1, 2, 3, 4, 10));
    }

    /** Results with markers {@code from..to}. */
    static List<CheckResult> results(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(AgentTestKit::result).toList();
    }

    static <T> T await(Future<T> future) {
        try {
            return future.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Polls {@code condition} from the test thread until it holds or {@code within} passes. */
    static void eventually(Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition did not hold within " + within);
            }
            Thread.sleep(10);
        }
    }
}
