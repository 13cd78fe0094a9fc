package dev.heliograph.controlplane.alerting.channel;

import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.AlertmanagerSettings;
import dev.heliograph.controlplane.alerting.ChannelSender;
import dev.heliograph.controlplane.alerting.ChannelSettings;
import dev.heliograph.controlplane.alerting.DeliveryResult;
import dev.heliograph.controlplane.alerting.EmailSettings;
import dev.heliograph.controlplane.alerting.NotificationMessage;
import dev.heliograph.controlplane.alerting.PagerDutySettings;
import dev.heliograph.controlplane.alerting.SlackSettings;
import dev.heliograph.controlplane.alerting.WebhookSettings;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.probe.net.AddressGuard;
import dev.heliograph.probe.net.NameResolver;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The sender of every channel kind, picked by the channel's settings: the one {@link ChannelSender}
 * the rest of the control plane calls. Every send resolves the receiver's host with its own resolver
 * (the probe's DNS bounds) and judges the address with the SSRF guard in force at that moment.
 */
public final class ChannelSenders implements ChannelSender {
    private final WebClient client;
    private final WebhookSender webhook;
    private final SlackSender slack;
    private final EmailSender email;
    private final PagerDutySender pagerDuty;
    private final AlertmanagerSender alertmanager;

    /**
     * What the senders need from the configuration.
     *
     * @param timeout           the longest one delivery attempt may take ({@code alerting.timeout_ms})
     * @param alertmanagerLease how long a firing alert lasts in Alertmanager: three times
     *                          {@code alerting.alertmanager_resend_s}
     * @param dnsTimeout        resolver timeout ({@code probe.dns_timeout_ms})
     * @param dnsMinTtl         shortest caching of an answer ({@code probe.dns_min_ttl_s})
     * @param dnsMaxTtl         longest caching of an answer ({@code probe.dns_max_ttl_s})
     */
    public record Settings(Duration timeout, Duration alertmanagerLease, Duration dnsTimeout, Duration dnsMinTtl,
                           Duration dnsMaxTtl) {
        /** The settings of a validated configuration. */
        public static Settings of(HeliographConfig config) {
            return new Settings(Duration.ofMillis(config.alerting().timeoutMs()),
                    Duration.ofSeconds(3L * config.alerting().alertmanagerResendS()),
                    Duration.ofMillis(config.probe().dnsTimeoutMs()), Duration.ofSeconds(config.probe().dnsMinTtlS()),
                    Duration.ofSeconds(config.probe().dnsMaxTtlS()));
        }
    }

    /**
     * @param guard the SSRF guard in force now (it follows {@code probe.allowed_cidrs} across reloads)
     * @param clock the wall clock of timestamps in messages ({@code webhook-timestamp}, {@code endsAt})
     */
    public ChannelSenders(Vertx vertx, Settings settings, Supplier<AddressGuard> guard, Clock clock) {
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setUserAgent("Heliograph")
                .setFollowRedirects(false)
                .setVerifyHost(true)
                .setConnectTimeout((int) settings.timeout().toMillis()));
        NameResolver resolver = new NameResolver(vertx, settings.dnsTimeout(), settings.dnsMinTtl(), settings.dnsMaxTtl(), 10_000);
        HttpDelivery http = new HttpDelivery(client, resolver, guard, settings.timeout(), clock);
        this.webhook = new WebhookSender(http, clock);
        this.slack = new SlackSender(http);
        this.email = new EmailSender(vertx, resolver, guard, settings.timeout());
        this.pagerDuty = new PagerDutySender(http);
        this.alertmanager = new AlertmanagerSender(http, clock, settings.alertmanagerLease());
    }

    /** Sends {@code message} with the sender of {@code channel}'s kind (see {@link ChannelSender#send}). */
    @Override
    public Future<DeliveryResult> send(AlertChannel channel, NotificationMessage message) {
        return sender(channel.settings()).send(channel, message);
    }

    /** The sender of a kind of settings. */
    ChannelSender sender(ChannelSettings settings) {
        return switch (settings) {
            case WebhookSettings ignored -> webhook;
            case SlackSettings ignored -> slack;
            case EmailSettings ignored -> email;
            case PagerDutySettings ignored -> pagerDuty;
            case AlertmanagerSettings ignored -> alertmanager;
        };
    }

    /** The Alertmanager sender, for the periodic re-send of firing alerts ({@link AlertmanagerSender#refresh}). */
    public AlertmanagerSender alertmanager() {
        return alertmanager;
    }

    /** Closes the HTTP client (connections in its pool). */
    public void close() {
        client.close();
    }
}
