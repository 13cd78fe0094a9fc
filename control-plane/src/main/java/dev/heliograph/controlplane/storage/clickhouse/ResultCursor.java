package dev.heliograph.controlplane.storage.clickhouse;

import java.util.UUID;

/** Where a result listing continues: strictly older than ({@code startedAtMs}, {@code resultId}). */
public record ResultCursor(long startedAtMs, UUID resultId) {
}
