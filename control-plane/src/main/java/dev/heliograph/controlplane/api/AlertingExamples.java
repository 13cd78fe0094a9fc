package dev.heliograph.controlplane.api;

/**
 * Example bodies of the alerting file routes in the OpenAPI document (kept apart from
 * {@link ApiExamples} so each resource's examples stay together). {@code OpenApiIT} validates each
 * against its schema.
 */
public final class AlertingExamples {
    /** An alerting file as exported (and as applied back): secrets as ***, channels and targets by key. */
    public static final String FILE = """
            {"version": 1,
             "alert_channels": [
               {"key": "oncall-webhook", "name": "on-call webhook", "kind": "webhook",
                "settings": {"url": "https://hooks.example.com/heliograph", "secret": "***", "headers": {"X-Team": "***"}},
                "rate_limit_per_minute": 120, "enabled": true},
               {"key": "ops-slack", "name": "ops slack", "kind": "slack", "settings": {"url": "***"},
                "rate_limit_per_minute": 60, "enabled": true}],
             "notification_policies": [
               {"key": "prod-pager", "name": "prod pages", "events": ["opened", "reminder", "resolved"],
                "severities": ["critical"], "tags": ["prod"], "regions": [], "channels": ["oncall-webhook", "ops-slack"],
                "reminder_interval_s": 3600, "enabled": true}],
             "maintenance_windows": [
               {"key": "sunday-db", "name": "sunday db maintenance", "starts_at": "2026-03-29T02:30:00",
                "time_zone": "Europe/Berlin", "duration_s": 7200, "rrule": "FREQ=WEEKLY;BYDAY=SU", "mode": "mute",
                "targets": ["shop-db"], "tags": ["db"], "enabled": true}]}""";

    /** Answer of {@code POST /api/v1/alerting:apply}: a new webhook channel, whose generated secret shows once. */
    public static final String APPLY = """
            {"dry_run": false, "prune": false,
             "summary": {"create": 2, "update": 1, "delete": 0, "unchanged": 1, "not_in_file": 0},
             "items": [
               {"kind": "alert_channel", "key": "oncall-webhook", "action": "create", "id": "0190f1d0-3b4c-7d5e-8f60-718293a4b5c6",
                "webhook_secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
               {"kind": "alert_channel", "key": "ops-slack", "action": "unchanged", "id": "0190f1d0-3b4c-7d5e-8f60-718293a4b5c7"},
               {"kind": "notification_policy", "key": "prod-pager", "action": "update", "fields": ["channels"],
                "id": "0190f1d1-1a2b-7c3d-8e4f-5a6b7c8d9e0f"},
               {"kind": "maintenance_window", "key": "sunday-db", "action": "create", "id": "0190f1c9-2b4d-7e1f-8c3a-5d6e7f8a9b0c"}]}""";

    private AlertingExamples() {
    }
}
