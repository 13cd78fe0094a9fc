package dev.heliograph.controlplane.api;

/**
 * Example bodies of the maintenance-window routes in the OpenAPI document (kept apart from
 * {@link ApiExamples} so each resource's examples stay together). {@code OpenApiIT} validates each
 * against its schema. The window starts on the night Berlin springs forward (2026-03-29, 02:00 →
 * 03:00), so its first occurrence shows the rule for a local time that does not exist: 02:30 is read
 * with the offset before the gap and becomes 03:30 CEST.
 */
public final class MaintenanceExamples {
    /** A maintenance window id (UUIDv7). */
    public static final String WINDOW_ID = "0190f1c9-2b4d-7e1f-8c3a-5d6e7f8a9b0c";

    /** Body of a window create, replace or preview. */
    public static final String WINDOW_REQUEST = """
            {"key": "sunday-db", "name": "sunday db maintenance", "starts_at": "2026-03-29T02:30:00",
             "time_zone": "Europe/Berlin", "duration_s": 7200, "rrule": "FREQ=WEEKLY;BYDAY=SU", "mode": "mute",
             "tags": ["db"]}""";

    private static final String OCCURRENCES = """
            [{"starts_at": "2026-03-29T01:30:00Z", "ends_at": "2026-03-29T03:30:00Z",
              "local_starts_at": "2026-03-29T03:30:00+02:00", "local_ends_at": "2026-03-29T05:30:00+02:00"},
             {"starts_at": "2026-04-05T00:30:00Z", "ends_at": "2026-04-05T02:30:00Z",
              "local_starts_at": "2026-04-05T02:30:00+02:00", "local_ends_at": "2026-04-05T04:30:00+02:00"},
             {"starts_at": "2026-04-12T00:30:00Z", "ends_at": "2026-04-12T02:30:00Z",
              "local_starts_at": "2026-04-12T02:30:00+02:00", "local_ends_at": "2026-04-12T04:30:00+02:00"}]""";

    /** A window as answered (three of its next five occurrences shown). */
    public static final String WINDOW = """
            {"id": "0190f1c9-2b4d-7e1f-8c3a-5d6e7f8a9b0c", "key": "sunday-db", "name": "sunday db maintenance",
             "starts_at": "2026-03-29T02:30:00", "time_zone": "Europe/Berlin", "duration_s": 7200,
             "rrule": "FREQ=WEEKLY;BYDAY=SU", "mode": "mute", "target_ids": [], "tags": ["db"], "enabled": true,
             "created_at": "2026-03-20T12:00:00Z", "updated_at": "2026-03-20T12:00:00Z", "version": 1,
             "active_now": false, "next_occurrences": """ + OCCURRENCES + "}";

    /** Answer of a preview. */
    public static final String PREVIEW = "{\"valid\": true, \"errors\": [], \"active_now\": false, \"next_occurrences\": "
            + OCCURRENCES + "}";

    /** Answer of a preview of a window with a bad field: the occurrences still show when the times are valid. */
    public static final String PREVIEW_INVALID = """
            {"valid": false, "errors": [{"field": "target_ids", "code": "REQUIRED",
              "message": "a window needs target_ids or tags (or both); it covers no target otherwise"}],
             "active_now": false, "next_occurrences": """ + OCCURRENCES + "}";

    private MaintenanceExamples() {
    }
}
