package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.alerting.SlackSettings;
import dev.heliograph.controlplane.alerting.WebhookSettings;
import dev.heliograph.probe.codec.Json;
import dev.heliograph.probe.net.AddressGuard;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The alert channel body: defaults, the generated webhook secret, and secrets without a key. */
class AlertChannelRequestTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final WebhookSettings STORED = new WebhookSettings("https://hooks.example.com/x",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Map.of());

    @Test
    void aWebhookCreatedWithoutASecretGetsAFreshOne() {
        AlertChannelRequest.Validated validated = request("webhook", "{\"url\": \"https://hooks.example.com/x\"}")
                .validate(null, AddressGuard.strict(), true, RANDOM);
        assertThat(validated.generatedSecret()).isTrue();
        assertThat(((WebhookSettings) validated.draft().settings()).secret()).startsWith("whsec_");
        assertThat(validated.draft().rateLimitPerMinute()).isEqualTo(600);
        assertThat(validated.draft().enabled()).isTrue();
    }

    @Test
    void aReplacedWebhookWithoutASecretKeepsItsOwn() {
        AlertChannelRequest.Validated validated = request("webhook", "{\"url\": \"https://elsewhere.example.com/x\"}")
                .validate(STORED, AddressGuard.strict(), true, RANDOM);
        assertThat(validated.generatedSecret()).isFalse();
        assertThat(((WebhookSettings) validated.draft().settings()).secret()).isEqualTo(STORED.secret());
    }

    @Test
    void aChannelThatBecomesAWebhookMustBeGivenASecret() {
        assertThatThrownBy(() -> request("webhook", "{\"url\": \"https://hooks.example.com/x\"}")
                .validate(new SlackSettings("https://hooks.slack.com/x"), AddressGuard.strict(), true, RANDOM))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(fields(e)).containsExactly("settings.secret:REQUIRED"));
    }

    @Test
    void withoutASecretKeyEverySecretValueIsRefused() {
        assertThatThrownBy(() -> request("webhook", "{\"url\": \"https://hooks.example.com/x\", \"headers\": {\"X-Token\": \"t\"}}")
                .validate(null, AddressGuard.strict(), false, RANDOM))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(fields(e))
                        .containsExactlyInAnyOrder("settings.secret:SECRET_KEY_MISSING", "settings.headers.X-Token:SECRET_KEY_MISSING"));
    }

    @Test
    void slackDefaultsToSixtyAMinute() {
        assertThat(request("slack", "{\"url\": \"https://hooks.slack.com/x\"}").validate(null, AddressGuard.strict(), true, RANDOM)
                .draft().rateLimitPerMinute()).isEqualTo(60);
    }

    @Test
    void toStringLeavesTheSettingsOut() {
        assertThat(request("slack", "{\"url\": \"https://hooks.slack.com/services/s3cret\"}").toString()).doesNotContain("s3cret");
    }

    private static AlertChannelRequest request(String kind, String settings) {
        try {
            JsonNode tree = Json.MAPPER.readTree(settings);
            return new AlertChannelRequest(null, "a channel", kind, tree, null, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> fields(ApiException e) {
        return ((List<Map<String, String>>) e.details().get("fields")).stream()
                .map(f -> f.get("field") + ":" + f.get("code")).toList();
    }
}
