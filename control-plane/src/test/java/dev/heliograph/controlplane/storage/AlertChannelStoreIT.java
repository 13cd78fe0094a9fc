package dev.heliograph.controlplane.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.controlplane.TestServices;
import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.AlertChannelDraft;
import dev.heliograph.controlplane.alerting.SlackSettings;
import dev.heliograph.controlplane.alerting.WebhookSettings;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.controlplane.secrets.ChannelSealer;
import dev.heliograph.controlplane.secrets.SecretCipher;
import dev.heliograph.controlplane.secrets.SecretKeyException;
import dev.heliograph.controlplane.storage.postgres.AlertChannelPage;
import dev.heliograph.controlplane.storage.postgres.AlertChannelStore;
import dev.heliograph.controlplane.storage.postgres.AlertChannelTakenException;
import dev.heliograph.controlplane.storage.postgres.PgMigrations;
import dev.heliograph.controlplane.storage.postgres.PgPools;
import dev.heliograph.domain.OrgId;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The alert channel store against the real PostgreSQL with the real migrations. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertChannelStoreIT {
    private static final OrgId ORG = new OrgId(UUID.fromString("00000000-0000-0000-0000-000000000001"));
    private static final OrgId OTHER = new OrgId(UUID.randomUUID());

    private TestServices services;
    private Vertx vertx;
    private Pool pool;
    private AlertChannelStore store;

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        HeliographConfig config = services.config();
        PgMigrations.migrate(vertx, config.postgres()).await(60, TimeUnit.SECONDS);
        pool = PgPools.of(vertx, config.postgres(), 2);
        store = new AlertChannelStore(pool, new ChannelSealer(SecretCipher.of(config.secret())));
        try (Connection pg = services.postgres();
             PreparedStatement insert = pg.prepareStatement("INSERT INTO orgs (id, name) VALUES (?, 'other')")) {
            insert.setObject(1, OTHER.value());
            insert.executeUpdate();
        }
    }

    @AfterAll
    void stop() throws Exception {
        pool.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        services.close();
    }

    @Test
    void theDeliveryReadFindsAChannelOfAnyOrgWhileOrgReadsDoNot() throws Exception {
        AlertChannel created = store.create(OTHER, draft("other's hook")).await(10, TimeUnit.SECONDS);

        assertThat(store.get(created.id()).await(10, TimeUnit.SECONDS)).contains(created);
        assertThat(store.get(ORG, created.id()).await(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(store.update(ORG, created.id(), draft("taken over")).await(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(store.delete(ORG, created.id()).await(10, TimeUnit.SECONDS)).isFalse();
        assertThat(store.get(OTHER, created.id()).await(10, TimeUnit.SECONDS)).contains(created);
    }

    @Test
    void anUpdateBumpsTheVersionAndKeepsTheKeyWhenTheDraftHasNone() throws Exception {
        AlertChannel created = store.create(ORG, new AlertChannelDraft("kept-key-" + UUID.randomUUID(), "versioned "
                + UUID.randomUUID(), new SlackSettings("https://hooks.slack.com/a"), 60, true)).await(10, TimeUnit.SECONDS);
        AlertChannel updated = store.update(ORG, created.id(), new AlertChannelDraft(null, created.name(),
                new SlackSettings("https://hooks.slack.com/b"), 30, false)).await(10, TimeUnit.SECONDS).orElseThrow();
        assertThat(updated.version()).isEqualTo(2);
        assertThat(updated.key()).isEqualTo(created.key());
        assertThat(updated.settings()).isEqualTo(new SlackSettings("https://hooks.slack.com/b"));
        assertThat(updated.rateLimitPerMinute()).isEqualTo(30);
        assertThat(updated.enabled()).isFalse();
    }

    @Test
    void aTakenNameIsAConflictOfThatField() throws Exception {
        String name = "twice " + UUID.randomUUID();
        store.create(ORG, draft(name)).await(10, TimeUnit.SECONDS);
        Throwable failure = store.create(ORG, draft(name)).transform(done -> io.vertx.core.Future.succeededFuture(done.cause()))
                .await(10, TimeUnit.SECONDS);
        assertThat(failure).isInstanceOf(AlertChannelTakenException.class);
        assertThat(((AlertChannelTakenException) failure).field()).isEqualTo("name");
    }

    @Test
    void listingPagesInCreationOrder() throws Exception {
        OrgId org = new OrgId(UUID.randomUUID());
        try (Connection pg = services.postgres();
             PreparedStatement insert = pg.prepareStatement("INSERT INTO orgs (id, name) VALUES (?, ?)")) {
            insert.setObject(1, org.value());
            insert.setString(2, "paged-" + org.value());
            insert.executeUpdate();
        }
        UUID a = store.create(org, draft("a")).await(10, TimeUnit.SECONDS).id();
        UUID b = store.create(org, draft("b")).await(10, TimeUnit.SECONDS).id();
        UUID c = store.create(org, draft("c")).await(10, TimeUnit.SECONDS).id();
        AlertChannelPage first = store.list(org, null, 2).await(10, TimeUnit.SECONDS);
        assertThat(first.items()).extracting(AlertChannel::id).containsExactly(a, b);
        assertThat(first.next()).isEqualTo(b);
        AlertChannelPage last = store.list(org, first.next(), 2).await(10, TimeUnit.SECONDS);
        assertThat(last.items()).extracting(AlertChannel::id).containsExactly(c);
        assertThat(last.next()).isNull();
    }

    @Test
    void sealedSettingsCopiedToAnotherChannelDoNotOpen() throws Exception {
        AlertChannel one = store.create(ORG, draft("one " + UUID.randomUUID())).await(10, TimeUnit.SECONDS);
        AlertChannel two = store.create(ORG, draft("two " + UUID.randomUUID())).await(10, TimeUnit.SECONDS);
        try (Connection pg = services.postgres(); PreparedStatement copy = pg.prepareStatement(
                "UPDATE alert_channels SET settings = (SELECT settings FROM alert_channels WHERE id = ?) WHERE id = ?")) {
            copy.setObject(1, one.id());
            copy.setObject(2, two.id());
            copy.executeUpdate();
        }
        Throwable failure = store.get(ORG, two.id()).transform(done -> io.vertx.core.Future.succeededFuture(done.cause()))
                .await(10, TimeUnit.SECONDS);
        assertThat(failure).isInstanceOf(SecretKeyException.class);
        store.delete(ORG, two.id()).await(10, TimeUnit.SECONDS);
    }

    private static AlertChannelDraft draft(String name) {
        return new AlertChannelDraft(null, name, new WebhookSettings("https://hooks.example.com/x",
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Map.of("X-Token", "t0ken")), 600, true);
    }
}
