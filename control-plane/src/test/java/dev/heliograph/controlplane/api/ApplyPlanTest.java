package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.domain.CheckSpec;
import dev.heliograph.domain.HttpSpec;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetDraft;
import dev.heliograph.domain.TargetId;
import dev.heliograph.domain.TcpSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApplyPlanTest {
    private static final RegionId LOCAL = new RegionId("local");
    private static final RegionId EU = new RegionId("eu-west");

    private static HttpSpec spec(String url, String token) {
        return new HttpSpec(null, url, Map.of("Authorization", "Bearer " + token), null, null, null, null, null, null, null, null,
                Set.of(), false);
    }

    private static final Target STORED = new Target(TargetId.random(), OrgId.DEFAULT, "web", "web", spec("https://example.com/", "a"),
            Duration.ofSeconds(60), Duration.ofMillis(5000), List.of(LOCAL, EU), Set.of("prod", "eu"), true, Instant.EPOCH,
            Instant.EPOCH, 4);

    private static TargetDraft draft(String name, CheckSpec spec, int intervalS, List<RegionId> regions, Set<String> tags, boolean enabled) {
        return new TargetDraft("web", name, spec, intervalS, 5000, regions, tags, enabled);
    }

    @Test
    void anEqualDraftChangesNothingWhateverTheOrderOfRegionsAndTags() {
        TargetDraft same = draft("web", spec("https://example.com/", "a"), 60, List.of(EU, LOCAL), Set.of("eu", "prod"), true);
        assertThat(ApplyPlan.changedFields(STORED, same)).isEmpty();
    }

    @Test
    void everyChangedFieldIsNamedAndSecretsByFieldOnly() {
        TargetDraft changed = draft("web 2", spec("https://example.com/v2", "b"), 30, List.of(LOCAL), Set.of("prod"), false);
        assertThat(ApplyPlan.changedFields(STORED, changed))
                .containsExactly("name", "spec.url", "spec.headers", "interval_s", "regions", "tags", "enabled");
    }

    @Test
    void anotherKindReplacesTheWholeSpec() {
        TargetDraft tcp = draft("web", new TcpSpec("example.com", 443, null, null), 60, List.of(LOCAL, EU), Set.of("prod", "eu"), true);
        assertThat(ApplyPlan.changedFields(STORED, tcp)).containsExactly("kind", "spec");
    }
}
