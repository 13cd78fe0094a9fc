package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.controlplane.AlertReceiver;
import dev.heliograph.controlplane.ApiClient;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.controlplane.TestServices;
import dev.heliograph.controlplane.alerting.channel.WebhookSignature;
import dev.heliograph.controlplane.secrets.SecretKeyException;
import dev.heliograph.controlplane.secrets.StoredSecrets;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Alert channel secrets under the secret key: checked at start-up and moved by a key rotation like target secrets. */
class AlertChannelSecretsIT {
    /** Another test key (base64 of 32 bytes). */
    private static final String OTHER_KEY = "b3RoZXItaGVsaW9ncmFwaC10ZXN0LWtleS0wMTIzNDU=";

    private TestServices services;
    private Vertx vertx;
    private AlertReceiver receiver;

    @BeforeEach
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        receiver = AlertReceiver.start(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        receiver.close();
        vertx.close().await(10, TimeUnit.SECONDS);
        services.close();
    }

    @Test
    void aKeyRotationReSealsChannelSecretsAndTheOldKeyAloneNoLongerStarts() throws Exception {
        ControlPlane plane = ControlPlane.start(vertx, services.config(), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
        ApiClient api = new ApiClient(plane.apiPort());
        ApiClient.Answer created = api.post("/api/v1/alert-channels", "{\"name\":\"rotated hook\",\"kind\":\"webhook\","
                + "\"settings\":{\"url\":\"" + receiver.url("/hook") + "\",\"headers\":{\"Authorization\":\"Bearer t0ken\"}}}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().path("id").asText();
        String secret = created.json().path("settings").path("secret").asText();
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);

        String before = storedSettings();
        StoredSecrets.Rotation rotation = StoredSecrets.rotate(vertx, services.config("secret.key=" + OTHER_KEY,
                "secret.previous_key=" + TestServices.SECRET_KEY)).await(30, TimeUnit.SECONDS);

        assertThat(rotation).isEqualTo(new StoredSecrets.Rotation(2, 0, 1));
        assertThat(storedSettings()).isNotEqualTo(before).doesNotContain(secret).doesNotContain("t0ken");
        Throwable oldKeyAlone = startFailure();
        assertThat(oldKeyAlone).isInstanceOf(SecretKeyException.class);
        assertThat(startFailure("secret.key=")).isInstanceOf(SecretKeyException.class)
                .hasMessage("alert channels hold encrypted secrets but secret.key (HELIOGRAPH_SECRET_KEY) is not set");

        ControlPlane rotated = ControlPlane.start(vertx, services.config("secret.key=" + OTHER_KEY), Clock.systemUTC())
                .await(60, TimeUnit.SECONDS);
        try {
            ApiClient.Answer tested = new ApiClient(rotated.apiPort()).post("/api/v1/alert-channels/" + id + "/test", "");
            assertThat(tested.json().path("delivered").asBoolean()).as(tested.text()).isTrue();
            AlertReceiver.Received received = receiver.last();
            assertThat(received.headers()).containsEntry("authorization", "Bearer t0ken");
            assertThat(received.headers().get("webhook-signature")).isEqualTo(WebhookSignature.sign(secret,
                    received.headers().get("webhook-id"), Long.parseLong(received.headers().get("webhook-timestamp")),
                    received.text().getBytes(StandardCharsets.UTF_8)));
        } finally {
            rotated.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        }
    }

    @Test
    void withoutASecretKeyOnlyChannelsWithoutSecretsAreStored() throws Exception {
        ControlPlane keyless = ControlPlane.start(vertx, services.config("secret.key="), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
        try {
            ApiClient client = new ApiClient(keyless.apiPort());
            ApiClient.Answer refused = client.post("/api/v1/alert-channels", "{\"name\":\"no key\",\"kind\":\"webhook\","
                    + "\"settings\":{\"url\":\"" + receiver.url("/hook") + "\"}}");
            assertThat(refused.status()).as(refused.text()).isEqualTo(422);
            assertThat(refused.json().path("error").path("details").path("fields").findValuesAsText("code"))
                    .containsExactly("SECRET_KEY_MISSING");
            assertThat(refused.text()).contains("settings.secret").doesNotContain("whsec_");
            ApiClient.Answer plain = client.post("/api/v1/alert-channels", "{\"name\":\"plain mail\",\"kind\":\"email\","
                    + "\"settings\":{\"host\":\"127.0.0.1\",\"starttls\":\"disabled\",\"from\":\"a@example.com\",\"to\":[\"b@example.com\"]}}");
            assertThat(plain.status()).as(plain.text()).isEqualTo(201);
        } finally {
            keyless.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        }
    }

    /** Why a control plane with these settings does not start; {@code null} when it does (it is stopped again). */
    private Throwable startFailure(String... overrides) throws Exception {
        return ControlPlane.start(vertx, services.config(overrides), Clock.systemUTC())
                .transform(started -> started.succeeded() ? started.result().stop(Duration.ofSeconds(5)).map((Throwable) null)
                        : io.vertx.core.Future.succeededFuture(started.cause()))
                .await(60, TimeUnit.SECONDS);
    }

    private String storedSettings() throws Exception {
        try (Connection pg = services.postgres(); Statement sql = pg.createStatement();
             ResultSet rows = sql.executeQuery("SELECT string_agg(settings::text, ' ' ORDER BY id) FROM alert_channels")) {
            rows.next();
            return rows.getString(1);
        }
    }
}
