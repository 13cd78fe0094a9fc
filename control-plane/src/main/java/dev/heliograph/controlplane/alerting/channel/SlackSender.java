package dev.heliograph.controlplane.alerting.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.ChannelSender;
import dev.heliograph.controlplane.alerting.DeliveryResult;
import dev.heliograph.controlplane.alerting.NotificationMessage;
import dev.heliograph.controlplane.alerting.NotificationMessage.IncidentSummary;
import dev.heliograph.controlplane.alerting.SlackSettings;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.util.List;

/**
 * Posts notifications to a Slack incoming webhook (https://api.slack.com/messaging/webhooks):
 * {@code {"text": <summary>, "blocks": [header, a section per incident, a context line with the
 * link]}}. {@code text} is what notifications and clients without blocks show. Slack answers 200
 * {@code ok} (delivered), 429 with {@code Retry-After} when the channel gets more than about one
 * message a second (failed: retry later), 400/403/404/410 for a bad payload, a revoked or archived
 * webhook (rejected), 5xx (failed).
 */
public final class SlackSender implements ChannelSender {
    /** Most incidents of a group shown as sections (Slack allows 50 blocks a message). */
    static final int MAX_SECTIONS = 20;

    private final HttpDelivery http;

    SlackSender(HttpDelivery http) {
        this.http = http;
    }

    @Override
    public Future<DeliveryResult> send(AlertChannel channel, NotificationMessage message) {
        if (!(channel.settings() instanceof SlackSettings settings)) {
            return Future.failedFuture(new IllegalArgumentException("not a Slack channel: " + channel.id()));
        }
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(body(message));
        } catch (JsonProcessingException e) {
            return Future.failedFuture(e);
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json; charset=utf-8");
        return http.post(new HttpDelivery.Post(URI.create(settings.url()), headers, Buffer.buffer(body), null));
    }

    /** The message body: {@code text} and {@code blocks} (Block Kit: header, sections, context). */
    static ObjectNode body(NotificationMessage message) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("text", message.summary());
        ArrayNode blocks = body.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", IncidentText.oneLine(message.summary(), 150));
        List<IncidentSummary> incidents = IncidentText.incidents(message);
        if (incidents.isEmpty()) {
            section(blocks, escape(IncidentText.test(message)));
        }
        for (IncidentSummary incident : incidents.subList(0, Math.min(MAX_SECTIONS, incidents.size()))) {
            List<String> lines = IncidentText.lines(incident);
            StringBuilder text = new StringBuilder("*").append(escape(lines.getFirst())).append('*');
            for (String line : lines.subList(1, lines.size())) {
                if (!line.startsWith("Link: ")) {
                    text.append('\n').append(escape(line));
                }
            }
            if (incident.url() != null) {
                text.append("\n<").append(incident.url()).append("|Open the incident in Heliograph>");
            }
            section(blocks, text.length() > 3000 ? text.substring(0, 2999) + "…" : text.toString());
        }
        if (incidents.size() > MAX_SECTIONS) {
            section(blocks, "… and " + (incidents.size() - MAX_SECTIONS) + " more incidents");
        }
        blocks.addObject().put("type", "context").putArray("elements").addObject().put("type", "mrkdwn")
                .put("text", "Heliograph · " + message.type() + " · notification " + message.id());
        return body;
    }

    private static void section(ArrayNode blocks, String mrkdwn) {
        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", mrkdwn);
    }

    /** Slack's mrkdwn escaping: {@code &}, {@code <} and {@code >} as entities. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
