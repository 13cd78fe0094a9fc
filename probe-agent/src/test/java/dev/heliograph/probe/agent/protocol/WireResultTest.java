package dev.heliograph.probe.agent.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.TargetId;
import dev.heliograph.domain.Uuid7;
import dev.heliograph.probe.codec.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WireResultTest {
    private static CheckResult result(Status status, Failure failure) {
        Instant at = Instant.ofEpochMilli(1_760_000_000_123L);
        return new CheckResult(Uuid7.at(at.toEpochMilli()), TargetId.random(), OrgId.DEFAULT, new RegionId("eu"), "agent-1",
                CheckKind.HTTP, at.minusMillis(5), at, status, failure, 0, "connection refused", new PhaseTimings(1, 2, 0, 0, 3));
    }

    @Test
    void theTypedFailureTravelsWithTheResult() throws Exception {
        CheckResult sent = result(Status.DOWN, Failure.CONNECT_REFUSED);

        String json = Json.MAPPER.writeValueAsString(WireResult.of(7, sent));
        CheckResult received = Json.MAPPER.readValue(json, WireResult.class).toResult();

        assertThat(json).contains("\"failure\":\"connect_refused\"");
        assertThat(received).isEqualTo(sent);
    }

    @Test
    void aLoggedResultWithoutFailureNeverCountsUnlessItWasUp() throws Exception {
        ObjectNode down = Json.MAPPER.valueToTree(WireResult.of(1, result(Status.DOWN, Failure.CONNECT_REFUSED)));
        down.remove("failure");
        ObjectNode up = Json.MAPPER.valueToTree(WireResult.of(2, result(Status.UP, Failure.NONE)));
        up.remove("failure");

        assertThat(Json.MAPPER.treeToValue(down, WireResult.class).toResult().failure()).isEqualTo(Failure.INTERNAL);
        assertThat(Json.MAPPER.treeToValue(up, WireResult.class).toResult().failure()).isEqualTo(Failure.NONE);
    }
}
