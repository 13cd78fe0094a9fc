package dev.heliograph.controlplane.api;

/**
 * Example bodies of the OpenAPI document, as JSON text constants so that annotations can name them
 * ({@code @ExampleObject(ApiExamples.TARGET)}, {@code @PagedResponse(value = ..., itemExample = ...)}).
 * {@code OpenApiIT} validates each one against the schema it illustrates, so they stay true.
 */
public final class ApiExamples {
    /** A target id (UUIDv7). */
    public static final String TARGET_ID = "0190f1c2-7a1e-7c3d-9b0a-1f2e3d4c5b6a";
    /** A UUID of a registration token, agent or API key. */
    public static final String UUID = "6d1f3a52-94b0-4c1e-8f7a-2b5c9e0d4a13";

    /** Body of a target create or replace. */
    public static final String TARGET_REQUEST = """
            {"name": "example health", "kind": "http",
             "spec": {"url": "https://example.com/health", "expected_status": ["2xx"], "body_contains": "ok",
                      "headers": {"Authorization": "Bearer s3cr3t"}},
             "interval_s": 30, "timeout_ms": 5000, "regions": ["local"], "tags": ["prod", "web"],
             "incident_rules": {"failure_threshold": 3, "quorum": "majority"}}""";

    /** A target as answered: defaults filled in, the secret header masked. */
    public static final String TARGET = """
            {"id": "0190f1c2-7a1e-7c3d-9b0a-1f2e3d4c5b6a", "key": "example-health", "name": "example health", "kind": "http",
             "spec": {"method": "GET", "url": "https://example.com/health",
                      "headers": {"Authorization": {"value": "***", "secret": true}},
                      "expected_status": ["2xx"], "body_contains": "ok", "follow_redirects": true, "max_redirects": 5,
                      "verify_tls": true},
             "interval_s": 30, "timeout_ms": 5000, "regions": ["local"], "tags": ["prod", "web"], "enabled": true,
             "created_at": "2026-01-31T12:00:00Z", "updated_at": "2026-01-31T12:00:00Z", "version": 1,
             "incident_rules": {"failure_threshold": 3, "recovery_threshold": 2, "quorum": "majority"}}""";

    /** Body of {@code POST /api/v1/targets/test}: a TCP target. */
    public static final String TEST_REQUEST = """
            {"name": "postgres", "kind": "tcp", "spec": {"host": "db.example.com", "port": 5432}, "timeout_ms": 2000}""";

    /** One check result. */
    public static final String RESULT = """
            {"result_id": "0190f1c3-0b2d-7e4f-8a1b-3c4d5e6f7a8b", "target_id": "0190f1c2-7a1e-7c3d-9b0a-1f2e3d4c5b6a",
             "region": "local", "agent_id": "control-plane", "kind": "http", "status": "up",
             "scheduled_at": "2026-01-31T12:00:00Z", "started_at": "2026-01-31T12:00:00.012Z", "http_status": 200,
             "error": "", "dns_ms": 1.2, "connect_ms": 10.5, "tls_ms": 21.3, "ttfb_ms": 40.1, "total_ms": 41.0}""";

    /** Answer of check-now. */
    public static final String CHECK_NOW = "{\"results\": [" + RESULT + "], \"stored\": true}";

    /** Answer of test. */
    public static final String TEST = """
            {"results": [{"result_id": "0190f1c3-0b2d-7e4f-8a1b-3c4d5e6f7a8c",
              "target_id": "0190f1c2-7a1e-7c3d-9b0a-1f2e3d4c5b6f", "region": "local", "agent_id": "control-plane",
              "kind": "tcp", "status": "down", "scheduled_at": "2026-01-31T12:00:00Z",
              "started_at": "2026-01-31T12:00:00.003Z", "http_status": 0, "error": "connection refused",
              "dns_ms": 0.4, "connect_ms": 0.0, "tls_ms": 0.0, "ttfb_ms": 0.0, "total_ms": 1.1}]}""";

    /** A target's statistics. */
    public static final String STATS = """
            {"target_id": "0190f1c2-7a1e-7c3d-9b0a-1f2e3d4c5b6a", "window": "1h", "checks": 120, "up_checks": 119,
             "uptime_ratio": 0.9917, "p50_ms": 41.0, "p95_ms": 88.5, "p99_ms": 130.2, "muted_s": 0}""";

    /** Body of a region create. */
    public static final String REGION_REQUEST = """
            {"name": "eu-west", "description": "Frankfurt"}""";

    /** A region. */
    public static final String REGION = """
            {"name": "eu-west", "description": "Frankfurt", "created_at": "2026-01-31T12:00:00Z", "local": false}""";

    /** Body of a registration-token create. */
    public static final String TOKEN_REQUEST = """
            {"description": "rack 4", "ttl_h": 24}""";

    /** A registration token as created: the only answer that shows {@code token}. */
    public static final String TOKEN_CREATED = """
            {"id": "6d1f3a52-94b0-4c1e-8f7a-2b5c9e0d4a13", "region": "eu-west",
             "token": "hg_reg_9vQ2mX7kL1pR4tY8wZ3nB6cD0fH5jK2sA9uE1gI7oP4", "description": "rack 4", "state": "active",
             "created_at": "2026-01-31T12:00:00Z", "expires_at": "2026-02-01T12:00:00Z",
             "ca_fingerprint": "SHA256:3F:9A:0C:11:7B:2E:D4:58:A1:6C:90:FE:23:4B:C7:88:0D:E5:71:9A:B2:36:4F:C8:19:5D:E0:A7:3B:62:D1:0E"}""";

    /** A registration token as listed: no {@code token}. */
    public static final String TOKEN = """
            {"id": "6d1f3a52-94b0-4c1e-8f7a-2b5c9e0d4a13", "region": "eu-west", "description": "rack 4", "state": "used",
             "created_at": "2026-01-31T12:00:00Z", "expires_at": "2026-02-01T12:00:00Z",
             "used_at": "2026-01-31T12:05:00Z", "used_by": "2a7e9c41-5b3d-4f80-9e16-c0d8a4b2f375",
             "ca_fingerprint": "SHA256:3F:9A:0C:11:7B:2E:D4:58:A1:6C:90:FE:23:4B:C7:88:0D:E5:71:9A:B2:36:4F:C8:19:5D:E0:A7:3B:62:D1:0E"}""";

    /** An agent. */
    public static final String AGENT = """
            {"id": "2a7e9c41-5b3d-4f80-9e16-c0d8a4b2f375", "name": "fra-1", "region": "eu-west", "version": "0.1.0",
             "status": "ok", "last_seen": "2026-01-31T12:10:00Z", "registered_at": "2026-01-31T12:05:00Z",
             "assigned_targets": 42, "dropped_results": 0}""";

    /** Body of an API key create. */
    public static final String KEY_REQUEST = """
            {"name": "ci deploys", "role": "editor", "expires_in_h": 720}""";

    /** An API key as created: the only answer that shows {@code key}. */
    public static final String KEY_CREATED = """
            {"id": "6d1f3a52-94b0-4c1e-8f7a-2b5c9e0d4a13", "org_id": "00000000-0000-0000-0000-000000000001",
             "name": "ci deploys", "role": "editor", "prefix": "hg_key_Xb4k", "key": "hg_key_Xb4kP0qR7sT2uV9wY1zA3cE5gI8jL6nM0oQ4",
             "state": "active", "created_at": "2026-01-31T12:00:00Z", "expires_at": "2026-03-02T12:00:00Z"}""";

    /** An API key as listed. */
    public static final String KEY = """
            {"id": "6d1f3a52-94b0-4c1e-8f7a-2b5c9e0d4a13", "org_id": "00000000-0000-0000-0000-000000000001",
             "name": "ci deploys", "role": "editor", "prefix": "hg_key_Xb4k", "state": "active",
             "created_at": "2026-01-31T12:00:00Z", "expires_at": "2026-03-02T12:00:00Z"}""";

    /** Body of an org create. */
    public static final String ORG_REQUEST = """
            {"name": "acme"}""";

    /** An org as created, with its first admin key. */
    public static final String ORG_CREATED = """
            {"id": "5c0e8b1a-3f2d-4e7c-9a60-b1d2e3f4a5b6", "name": "acme", "created_at": "2026-01-31T12:00:00Z",
             "admin_key": "hg_key_Tq8wE2rY5uI9oP3aS6dF1gH4jK7lZ0xC2vB5nM8q"}""";

    /** An org as listed. */
    public static final String ORG = """
            {"id": "5c0e8b1a-3f2d-4e7c-9a60-b1d2e3f4a5b6", "name": "acme", "created_at": "2026-01-31T12:00:00Z"}""";

    /** Answer of {@code GET /api/v1/org}. */
    public static final String CALLER = """
            {"org_id": "00000000-0000-0000-0000-000000000001", "org_name": "default", "role": "admin",
             "key_id": "6d1f3a52-94b0-4c1e-8f7a-2b5c9e0d4a13"}""";

    /** Answer of {@code GET /api/v1/health}. */
    public static final String HEALTH = """
            {"status": "healthy", "ready": true, "components": [
              {"name": "postgres", "required": true, "health": "healthy", "reason": "SELECT 1 answered",
               "since": "2026-01-31T12:00:00Z"},
              {"name": "clickhouse", "required": false, "health": "healthy", "reason": "ping answered",
               "since": "2026-01-31T12:00:00Z"}]}""";

    /** One tag and how many targets carry it. */
    public static final String TAG = """
            {"tag": "prod", "targets": 12}""";

    /** Answer of {@code GET /api/v1/dashboard}. */
    public static final String DASHBOARD = """
            {"generated_at": "2026-01-31T12:00:02.123Z",
             "targets": {"total": 14, "enabled": 12, "disabled": 2,
                         "by_status": {"up": 9, "degraded": 1, "down": 1, "error": 0, "unknown": 1},
                         "by_region": [{"region": "eu-west", "targets": 4,
                                        "by_status": {"up": 4, "degraded": 0, "down": 0, "error": 0, "unknown": 0}}]},
             "checks_last_minute": {"minute": "2026-01-31T11:59:00Z", "checks": 118, "up_checks": 112},
             "agents": {"total": 3, "ok": 2, "not_reporting": 1}}""";

    /** Body of {@code POST /api/v1/targets:bulk}: one new target, one replaced by key. */
    public static final String BULK_REQUEST = """
            {"items": [
              {"key": "web-health", "name": "web health", "kind": "http", "spec": {"url": "https://example.com/health"}},
              {"key": "postgres", "name": "postgres", "kind": "tcp", "spec": {"host": "db.example.com", "port": 5432},
               "interval_s": 10}]}""";

    /** Answer of {@code POST /api/v1/targets:bulk}. */
    public static final String BULK = "{\"created\": 1, \"updated\": 0, \"items\": [{\"action\": \"created\", \"target\": "
            + TARGET + "}]}";

    /** Body of {@code POST /api/v1/targets:bulk-action}. */
    public static final String BULK_ACTION_REQUEST = """
            {"action": "pause", "selector": {"tag": "staging"}}""";

    /** Answer of {@code POST /api/v1/targets:bulk-action}. */
    public static final String BULK_ACTION = """
            {"affected": 7}""";

    /** A target file (export, and apply's body). */
    public static final String TARGET_FILE = """
            {"version": 1, "targets": [
              {"key": "postgres", "name": "postgres", "kind": "tcp", "spec": {"host": "db.example.com", "port": 5432},
               "interval_s": 10, "timeout_ms": 2000, "regions": ["local"], "tags": ["db"], "enabled": true}]}""";

    /** Answer of {@code POST /api/v1/targets:apply}. */
    public static final String APPLY = """
            {"dry_run": true, "prune": false,
             "summary": {"create": 1, "update": 1, "delete": 0, "unchanged": 8, "not_in_file": 2},
             "items": [{"key": "postgres", "action": "update", "fields": ["interval_s"],
                        "id": "0190f1c2-7a1e-7c3d-9b0a-1f2e3d4c5b6a"},
                       {"key": "web-health", "action": "create"}]}""";

    /** An incident's id. */
    public static final String INCIDENT_ID = "0190f1d0-3c4b-7a2e-9f10-2b3c4d5e6f70";

    /** An incident as listed. */
    public static final String INCIDENT = """
            {"id": "0190f1d0-3c4b-7a2e-9f10-2b3c4d5e6f70", "kind": "down", "severity": "critical", "state": "open",
             "title": "example health is down", "target_id": "0190f1c2-7a1e-7c3d-9b0a-1f2e3d4c5b6a", "target_key": "example-health",
             "target_name": "example health", "tags": ["prod", "web"], "regions_down": ["eu-west", "us-east"],
             "first_failure_at": "2026-01-31T12:00:00Z", "opened_at": "2026-01-31T12:00:04Z"}""";

    /** An incident with its timeline. */
    public static final String INCIDENT_DETAIL = """
            {"id": "0190f1d0-3c4b-7a2e-9f10-2b3c4d5e6f70", "kind": "down", "severity": "critical", "state": "resolved",
             "title": "example health is down", "target_id": "0190f1c2-7a1e-7c3d-9b0a-1f2e3d4c5b6a", "target_key": "example-health",
             "target_name": "example health", "tags": ["prod", "web"], "regions_down": [],
             "first_failure_at": "2026-01-31T12:00:00Z", "opened_at": "2026-01-31T12:00:04Z", "resolved_at": "2026-01-31T12:09:30Z",
             "resolved_by": "heliograph", "resolution_note": "recovered",
             "timeline": [
               {"at": "2026-01-31T12:00:04Z", "type": "opened", "message": "opened: example health is down (regions down: eu-west, us-east)",
                "details": {"kind": "down", "regions_down": ["eu-west", "us-east"]}},
               {"at": "2026-01-31T12:00:05Z", "type": "notified", "message": "notified ops pager (pagerduty) of opened",
                "details": {"event": "opened"}},
               {"at": "2026-01-31T12:09:30Z", "type": "resolved", "message": "resolved by heliograph: recovered",
                "details": {"by": "heliograph", "note": "recovered"}}]}""";

    /** A notification policy. */
    public static final String POLICY = """
            {"id": "0190f1d1-1a2b-7c3d-8e4f-5a6b7c8d9e0f", "key": "prod-pager", "name": "prod pages",
             "events": ["opened", "resolved", "reminder"], "severities": ["critical"], "tags": ["prod"], "regions": [],
             "channels": ["0190f1d2-2b3c-7d4e-9f5a-6b7c8d9e0f1a"], "reminder_interval_s": 3600, "enabled": true,
             "created_at": "2026-01-31T12:00:00Z", "updated_at": "2026-01-31T12:00:00Z", "version": 1}""";

    /** Body of creating a notification policy. */
    public static final String POLICY_REQUEST = """
            {"name": "prod pages", "key": "prod-pager", "events": ["opened", "resolved", "reminder"], "severities": ["critical"],
             "tags": ["prod"], "channels": ["0190f1d2-2b3c-7d4e-9f5a-6b7c8d9e0f1a"], "reminder_interval_s": 3600}""";

    /** A notification in the outbox. */
    public static final String NOTIFICATION = """
            {"id": "0190f1d3-3c4d-7e5f-8a6b-7c8d9e0f1a2b", "channel_id": "0190f1d2-2b3c-7d4e-9f5a-6b7c8d9e0f1a",
             "incident_id": "0190f1d0-3c4b-7a2e-9f10-2b3c4d5e6f70", "event": "opened", "state": "dead", "attempts": 9,
             "created_at": "2026-01-31T12:00:04Z", "next_attempt_at": "2026-02-01T12:00:04Z",
             "last_error": "HTTP 503 from the receiver", "summary": "DOWN: example health is down in 2 of 3 regions"}""";

    /** A target's verdict. */
    public static final String VERDICT = """
            {"target_id": "0190f1c2-7a1e-7c3d-9b0a-1f2e3d4c5b6a", "verdict": "regional", "since": "2026-01-31T12:00:04Z",
             "regions": [{"region": "eu-west", "state": "down", "sees_target": true, "degraded": false, "consecutive_failures": 2,
                          "consecutive_successes": 0, "since": "2026-01-31T12:00:04Z", "last_failure": "connect_refused",
                          "last_error": "connection refused"},
                         {"region": "us-east", "state": "up", "sees_target": true, "degraded": false, "consecutive_failures": 0,
                          "consecutive_successes": 0, "last_failure": "none", "last_error": ""},
                         {"region": "ap-south", "state": "unknown", "sees_target": false, "degraded": false, "consecutive_failures": 0,
                          "consecutive_successes": 0, "last_failure": "none", "last_error": ""}],
             "flapping": false, "open_incident_id": "0190f1d0-3c4b-7a2e-9f10-2b3c4d5e6f70"}""";
    /** An alert channel id (UUIDv7). */
    public static final String ALERT_CHANNEL_ID = "0190f1d0-3b4c-7d5e-8f60-718293a4b5c6";

    /** Body of an alert channel create or replace: a signed webhook whose secret the server makes. */
    public static final String ALERT_CHANNEL_REQUEST = """
            {"key": "oncall-webhook", "name": "on-call webhook", "kind": "webhook",
             "settings": {"url": "https://hooks.example.com/heliograph", "headers": {"X-Team": "sre"}},
             "rate_limit_per_minute": 120}""";

    /** An alert channel as answered: secrets masked. */
    public static final String ALERT_CHANNEL = """
            {"id": "0190f1d0-3b4c-7d5e-8f60-718293a4b5c6", "key": "oncall-webhook", "name": "on-call webhook",
             "kind": "webhook",
             "settings": {"url": "https://hooks.example.com/heliograph", "secret": "***", "headers": {"X-Team": "***"}},
             "rate_limit_per_minute": 120, "enabled": true, "created_at": "2026-01-31T12:00:00Z",
             "updated_at": "2026-01-31T12:00:00Z", "version": 1}""";

    /** An alert channel as created: the generated webhook secret shown, once. */
    public static final String ALERT_CHANNEL_CREATED = """
            {"id": "0190f1d0-3b4c-7d5e-8f60-718293a4b5c6", "key": "oncall-webhook", "name": "on-call webhook",
             "kind": "webhook",
             "settings": {"url": "https://hooks.example.com/heliograph",
                          "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwQmVhbGx5IHJhbmRvbQ==", "headers": {"X-Team": "***"}},
             "rate_limit_per_minute": 120, "enabled": true, "created_at": "2026-01-31T12:00:00Z",
             "updated_at": "2026-01-31T12:00:00Z", "version": 1}""";

    /** Answer of an alert channel test: the receiver answered 500. */
    public static final String ALERT_CHANNEL_TEST = """
            {"delivered": false, "outcome": "failed", "http_status": 500, "response": "upstream unavailable",
             "error": "receiver answered 500", "duration_ms": 42}""";

    /** A webhook's body: an opened notification. */
    public static final String WEBHOOK = """
            {"type": "incident.opened", "timestamp": "2026-01-31T12:00:05Z",
             "data": {"notification_id": "0190f1d3-3c4d-7e5f-8a6b-7c8d9e0f1a2b", "event": "opened",
                      "org_id": "00000000-0000-0000-0000-000000000001",
                      "summary": "DOWN: example health is down in 2 of 3 regions (eu-west: connection refused)",
                      "incident": {"id": "0190f1d0-3c4b-7a2e-9f10-2b3c4d5e6f70", "kind": "down", "severity": "critical", "state": "open",
                                   "title": "example health is down", "opened_at": "2026-01-31T12:00:04Z",
                                   "target": {"id": "0190f1c2-7a1e-7c3d-9b0a-1f2e3d4c5b6a", "key": "example-health",
                                              "name": "example health", "tags": ["prod", "web"]},
                                   "regions_down": ["eu-west", "us-east"],
                                   "regions": [{"region": "eu-west", "state": "down", "failure": "connect_refused",
                                                "error": "connection refused", "since": "2026-01-31T12:00:04Z"}],
                                   "url": "https://heliograph.example.com/api/v1/incidents/0190f1d0-3c4b-7a2e-9f10-2b3c4d5e6f70"},
                      "group": null}}""";

    /** {@link #WEBHOOK} parsed (a swagger example object). */
    static Object webhookExample() {
        try {
            return dev.heliograph.probe.codec.Json.MAPPER.readTree(WEBHOOK);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private ApiExamples() {
    }
}
