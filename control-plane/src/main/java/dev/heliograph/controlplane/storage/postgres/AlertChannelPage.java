package dev.heliograph.controlplane.storage.postgres;

import dev.heliograph.controlplane.alerting.AlertChannel;
import java.util.List;
import java.util.UUID;

/** One page of alert channels in id order; {@code next} is the id to continue after, or {@code null} at the end. */
public record AlertChannelPage(List<AlertChannel> items, UUID next) {
}
