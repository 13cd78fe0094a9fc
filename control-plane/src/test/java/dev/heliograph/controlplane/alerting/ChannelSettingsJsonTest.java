package dev.heliograph.controlplane.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.domain.FieldError;
import dev.heliograph.probe.codec.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChannelSettingsJsonTest {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ROUTING_KEY = "R0ut1ngKeyR0ut1ngKeyR0ut1ngKey12";
    private static final WebhookSettings WEBHOOK = new WebhookSettings("https://hooks.example.com/x", SECRET,
            Map.of("Authorization", "Bearer t0ken"));
    private static final EmailSettings EMAIL = new EmailSettings("smtp.example.com", 587, "required", "alerts", "pa55word",
            "alerts@example.com", List.of("oncall@example.com"));

    @Test
    void everySecretValueIsMaskedAndNothingElse() {
        assertThat(ChannelSettingsJson.masked(WEBHOOK)).isEqualTo(json("""
                {"url": "https://hooks.example.com/x", "secret": "***", "headers": {"Authorization": "***"}}"""));
        assertThat(ChannelSettingsJson.masked(new SlackSettings("https://hooks.slack.com/services/T0/B0/s3cret")))
                .isEqualTo(json("{\"url\": \"***\"}"));
        assertThat(ChannelSettingsJson.masked(EMAIL)).isEqualTo(json("""
                {"host": "smtp.example.com", "port": 587, "starttls": "required", "username": "alerts", "password": "***",
                 "from": "alerts@example.com", "to": ["oncall@example.com"]}"""));
        assertThat(ChannelSettingsJson.masked(new PagerDutySettings(ROUTING_KEY, null))).isEqualTo(json("""
                {"routing_key": "***", "url": "https://events.pagerduty.com/v2/enqueue"}"""));
        assertThat(ChannelSettingsJson.masked(new AlertmanagerSettings("http://am.example.com", "am", "pa55word", Map.of("team", "sre"))))
                .isEqualTo(json("""
                        {"url": "http://am.example.com", "username": "am", "password": "***", "labels": {"team": "sre"}}"""));
    }

    @Test
    void absentSecretsStayAbsentInTheMaskedForm() {
        ObjectNode masked = ChannelSettingsJson.masked(new EmailSettings("smtp.example.com", 25, "disabled", null, null,
                "a@example.com", List.of("b@example.com")));
        assertThat(masked.has("password")).isFalse();
    }

    @Test
    void starsKeepTheStoredSecretsWhileTheDestinationStaysTheSame() {
        List<FieldError> errors = new ArrayList<>();
        JsonNode kept = ChannelSettingsJson.keepSecrets(ChannelKind.WEBHOOK, json("""
                {"url": "https://hooks.example.com/other-path", "secret": "***", "headers": {"authorization": "***"}}"""),
                WEBHOOK, errors);
        assertThat(errors).isEmpty();
        assertThat(kept.path("secret").asText()).isEqualTo(SECRET);
        assertThat(kept.path("headers").path("authorization").asText()).isEqualTo("Bearer t0ken");
    }

    @Test
    void slackStarsKeepTheStoredUrlWhichIsTheSecret() {
        List<FieldError> errors = new ArrayList<>();
        JsonNode kept = ChannelSettingsJson.keepSecrets(ChannelKind.SLACK, json("{\"url\": \"***\"}"),
                new SlackSettings("https://hooks.slack.com/services/T0/B0/s3cret"), errors);
        assertThat(errors).isEmpty();
        assertThat(kept.path("url").asText()).isEqualTo("https://hooks.slack.com/services/T0/B0/s3cret");
    }

    @Test
    void starsDoNotFollowTheChannelToAnotherDestination() {
        List<FieldError> errors = new ArrayList<>();
        ChannelSettingsJson.keepSecrets(ChannelKind.EMAIL, json("""
                {"host": "smtp.attacker.example", "username": "alerts", "password": "***", "from": "a@example.com",
                 "to": ["b@example.com"]}"""), EMAIL, errors);
        assertThat(errors).extracting(FieldError::field, FieldError::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("settings.password", FieldError.SECRET_NOT_SET));
        assertThat(errors.getFirst().message()).doesNotContain("pa55word").contains("sends somewhere else");
        errors.clear();
        ChannelSettingsJson.keepSecrets(ChannelKind.PAGERDUTY, json("{\"routing_key\": \"***\", \"url\": \"https://pd.attacker.example/\"}"),
                new PagerDutySettings(ROUTING_KEY, null), errors);
        assertThat(errors).extracting(FieldError::field).containsExactly("settings.routing_key");
    }

    @Test
    void aWebhookSecretIsKeptAcrossDestinationsButItsHeadersAreNot() {
        List<FieldError> errors = new ArrayList<>();
        JsonNode kept = ChannelSettingsJson.keepSecrets(ChannelKind.WEBHOOK, json("""
                {"url": "https://elsewhere.example.com/x", "secret": "***", "headers": {"Authorization": "***"}}"""),
                WEBHOOK, errors);
        assertThat(kept.path("secret").asText()).isEqualTo(SECRET);
        assertThat(errors).extracting(FieldError::field).containsExactly("settings.headers.Authorization");
    }

    @Test
    void starsWithNothingStoredAreAnError() {
        List<FieldError> errors = new ArrayList<>();
        ChannelSettingsJson.keepSecrets(ChannelKind.SLACK, json("{\"url\": \"***\"}"), null, errors);
        assertThat(errors).extracting(FieldError::code).containsExactly(FieldError.SECRET_NOT_SET);
        errors.clear();
        ChannelSettingsJson.keepSecrets(ChannelKind.SLACK, json("{\"url\": \"***\"}"), WEBHOOK, errors);
        assertThat(errors).extracting(FieldError::code).containsExactly(FieldError.SECRET_NOT_SET);
    }

    @Test
    void secretsListsEveryValueByPath() {
        assertThat(ChannelSettingsJson.secrets(WEBHOOK)).containsExactly(Map.entry("secret", SECRET),
                Map.entry("headers.Authorization", "Bearer t0ken"));
        assertThat(WEBHOOK.secretFields()).containsExactly("secret", "headers");
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
