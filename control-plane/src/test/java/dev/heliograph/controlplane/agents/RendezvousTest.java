package dev.heliograph.controlplane.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.domain.TargetId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Rendezvous hashing: one owner per target, an even spread, and minimal movement when agents come and go. */
class RendezvousTest {
    private final List<TargetId> targets = new ArrayList<>();
    private final List<UUID> agents = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());

    RendezvousTest() {
        for (int i = 0; i < 9_000; i++) {
            targets.add(TargetId.random());
        }
    }

    private Map<TargetId, UUID> owners(List<UUID> live) {
        Map<TargetId, UUID> owners = new HashMap<>();
        targets.forEach(target -> owners.put(target, Rendezvous.owner(target, live)));
        return owners;
    }

    @Test
    void everyTargetHasOneOwnerAndTheSpreadIsEven() {
        Map<TargetId, UUID> owners = owners(agents);
        assertThat(owners.values()).doesNotContainNull();
        for (UUID agent : agents) {
            long share = owners.values().stream().filter(agent::equals).count();
            assertThat(share).isBetween(2_700L, 3_300L);
        }
        assertThat(owners(agents)).isEqualTo(owners); // deterministic
        assertThat(Rendezvous.owner(targets.getFirst(), List.of())).isNull();
    }

    @Test
    void onlyTheLeavingAgentsTargetsMoveAndTheyComeBackWhenItReturns() {
        Map<TargetId, UUID> before = owners(agents);
        UUID leaving = agents.get(1);
        Map<TargetId, UUID> after = owners(List.of(agents.get(0), agents.get(2)));
        for (TargetId target : targets) {
            if (!before.get(target).equals(leaving)) {
                assertThat(after.get(target)).isEqualTo(before.get(target));
            } else {
                assertThat(after.get(target)).isNotEqualTo(leaving);
            }
        }
        assertThat(owners(List.of(agents.get(2), agents.get(1), agents.get(0)))).isEqualTo(before);
    }
}
