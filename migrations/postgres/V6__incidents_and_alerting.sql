-- Incidents and alerting (issue 13): the incident rules of each target, the decision engine's state,
-- incidents with their timelines, alert channels, notification policies, maintenance windows and the
-- notification outbox with its delivery attempts.

-- Per-target incident rules: {"failure_threshold": 2, "recovery_threshold": 2, "retry_interval_s": 10,
-- "quorum": 2 | "60%" | "majority", "parent": "<key of another target of the org>"}; absent keys take
-- the defaults (see IncidentRules).
ALTER TABLE targets ADD COLUMN incident_rules jsonb NOT NULL DEFAULT '{}';

-- The decision engine's memory of one target: per-region states and counters, recent verdict
-- changes (flapping), and the open incident. One writer per target (the control plane that owns it).
-- A target whose every region is plainly up, with nothing open and nothing recent, has no row.
CREATE TABLE target_states (
    target_id     uuid        PRIMARY KEY REFERENCES targets (id) ON DELETE CASCADE,
    org_id        uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    verdict       text        NOT NULL CHECK (verdict IN ('up', 'degraded', 'regional', 'down', 'unknown')),
    verdict_since timestamptz NOT NULL,
    state         jsonb       NOT NULL,
    updated_at    timestamptz NOT NULL
);

CREATE INDEX target_states_org_verdict ON target_states (org_id, verdict);

-- Incidents. kind: down (quorum of regions down), regional (some regions down, fewer than the
-- quorum), degraded, config_error (the target cannot be checked as configured), agent_not_reporting.
-- A target has at most one open incident of the kinds down/regional/degraded (its kind follows the
-- verdict) and one open config_error incident; an agent at most one open agent_not_reporting.
CREATE TABLE incidents (
    id               uuid        PRIMARY KEY,
    org_id           uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    kind             text        NOT NULL CHECK (kind IN ('down', 'regional', 'degraded', 'config_error', 'agent_not_reporting')),
    severity         text        NOT NULL CHECK (severity IN ('critical', 'warning')),
    state            text        NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
    title            text        NOT NULL,
    target_id        uuid,
    target_key       text,
    target_name      text,
    agent_id         uuid,
    region           text,
    tags             text[]      NOT NULL DEFAULT '{}',
    regions_down     text[]      NOT NULL DEFAULT '{}',
    caused_by        uuid        REFERENCES incidents (id) ON DELETE SET NULL,
    first_failure_at timestamptz,
    opened_at        timestamptz NOT NULL,
    acknowledged_at  timestamptz,
    acknowledged_by  text,
    resolved_at      timestamptz,
    resolved_by      text,
    resolution_note  text,
    updated_at       timestamptz NOT NULL
);

CREATE INDEX incidents_org_id ON incidents (org_id, id);
CREATE INDEX incidents_org_open ON incidents (org_id, opened_at) WHERE state <> 'resolved';
CREATE INDEX incidents_target ON incidents (target_id, id);
CREATE UNIQUE INDEX incidents_one_open_per_target ON incidents (target_id)
    WHERE state <> 'resolved' AND kind IN ('down', 'regional', 'degraded');
CREATE UNIQUE INDEX incidents_one_open_config_error ON incidents (target_id)
    WHERE state <> 'resolved' AND kind = 'config_error';
CREATE UNIQUE INDEX incidents_one_open_per_agent ON incidents (agent_id)
    WHERE state <> 'resolved' AND kind = 'agent_not_reporting';

-- The timeline of each incident, in id order (the incident engine and the notification senders both
-- append, so the order comes from one sequence).
CREATE TABLE incident_events (
    id          bigserial   PRIMARY KEY,
    incident_id uuid        NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL,
    type        text        NOT NULL,
    message     text        NOT NULL,
    details     jsonb       NOT NULL DEFAULT '{}'
);

CREATE INDEX incident_events_incident ON incident_events (incident_id, id);

-- Where notifications go. settings holds the kind's fields; secret values (webhook secret, Slack
-- URL, SMTP password, PagerDuty routing key, Alertmanager password) are sealed (AES-256-GCM, the
-- channel's id as associated data) and never answered again.
CREATE TABLE alert_channels (
    id                    uuid        PRIMARY KEY,
    org_id                uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    key                   text        NOT NULL CHECK (key ~ '^[A-Za-z0-9_.:/-]{1,128}$'),
    name                  text        NOT NULL,
    kind                  text        NOT NULL CHECK (kind IN ('webhook', 'slack', 'email', 'pagerduty', 'alertmanager')),
    settings              jsonb       NOT NULL,
    rate_limit_per_minute integer     NOT NULL CHECK (rate_limit_per_minute BETWEEN 1 AND 6000),
    enabled               boolean     NOT NULL DEFAULT true,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    version               bigint      NOT NULL DEFAULT 1,
    CONSTRAINT alert_channels_key_unique UNIQUE (org_id, key),
    CONSTRAINT alert_channels_name_unique UNIQUE (org_id, name)
);

CREATE INDEX alert_channels_org_id ON alert_channels (org_id, id);

-- Which events go to which channels: an event matches a policy when its type is in events, its
-- severity in severities, and (when set) the target carries one of tags and one of its regions is in
-- regions. reminder_interval_s > 0 re-notifies an open, unacknowledged incident that often.
CREATE TABLE notification_policies (
    id                  uuid        PRIMARY KEY,
    org_id              uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    key                 text        NOT NULL CHECK (key ~ '^[A-Za-z0-9_.:/-]{1,128}$'),
    name                text        NOT NULL,
    events              text[]      NOT NULL,
    severities          text[]      NOT NULL,
    tags                text[]      NOT NULL DEFAULT '{}',
    regions             text[]      NOT NULL DEFAULT '{}',
    channels            uuid[]      NOT NULL,
    reminder_interval_s integer     NOT NULL DEFAULT 0 CHECK (reminder_interval_s >= 0),
    enabled             boolean     NOT NULL DEFAULT true,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    version             bigint      NOT NULL DEFAULT 1,
    CONSTRAINT notification_policies_key_unique UNIQUE (org_id, key),
    CONSTRAINT notification_policies_name_unique UNIQUE (org_id, name)
);

CREATE INDEX notification_policies_org_id ON notification_policies (org_id, id);

-- Maintenance windows: starts_at is local wall-clock time in time_zone (an IANA zone); rrule (RFC
-- 5545, without DTSTART) repeats it, none = one-off. Scope: the targets in target_ids plus every
-- target carrying one of tags. mute: checks run, nothing is notified and the time is excluded from
-- uptime; pause: no checks.
CREATE TABLE maintenance_windows (
    id         uuid        PRIMARY KEY,
    org_id     uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    key        text        NOT NULL CHECK (key ~ '^[A-Za-z0-9_.:/-]{1,128}$'),
    name       text        NOT NULL,
    starts_at  timestamp   NOT NULL,
    time_zone  text        NOT NULL,
    duration_s integer     NOT NULL CHECK (duration_s BETWEEN 60 AND 31622400),
    rrule      text,
    mode       text        NOT NULL CHECK (mode IN ('mute', 'pause')),
    target_ids uuid[]      NOT NULL DEFAULT '{}',
    tags       text[]      NOT NULL DEFAULT '{}',
    enabled    boolean     NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    bigint      NOT NULL DEFAULT 1,
    CONSTRAINT maintenance_windows_key_unique UNIQUE (org_id, key),
    CONSTRAINT maintenance_windows_name_unique UNIQUE (org_id, name)
);

CREATE INDEX maintenance_windows_org_id ON maintenance_windows (org_id, id);

-- Which channels were told about an incident and not yet told it ended: a resolved notification goes
-- to exactly these. notified_kind is the incident kind the channel was last told of (a kind change it
-- routes is sent as an update); last_notified_at drives reminders.
CREATE TABLE incident_subscriptions (
    incident_id         uuid        NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    channel_id          uuid        NOT NULL REFERENCES alert_channels (id) ON DELETE CASCADE,
    notified_kind       text        NOT NULL,
    reminder_interval_s integer     NOT NULL DEFAULT 0,
    notified_at         timestamptz NOT NULL,
    last_notified_at    timestamptz NOT NULL,
    PRIMARY KEY (incident_id, channel_id)
);

CREATE INDEX incident_subscriptions_reminders ON incident_subscriptions (last_notified_at) WHERE reminder_interval_s > 0;

-- The outbox: one row per (alert channel, event), written in the same transaction as the incident
-- change it reports. payload is the rendered message (so every retry sends the same bytes and the
-- same webhook-id). state: pending (to be sent at next_attempt_at), grouped (held for a grouped
-- notification, group_id once it is taken), delivered, dead (gave up: dead letter), suppressed
-- (cancelled before it was sent, e.g. its parent target turned out to be down). lease_until marks a
-- row a sender is working on, so that several senders never send one row at once.
CREATE TABLE notifications (
    id              uuid        PRIMARY KEY,
    org_id          uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    channel_id      uuid        NOT NULL REFERENCES alert_channels (id) ON DELETE CASCADE,
    incident_id     uuid        REFERENCES incidents (id) ON DELETE SET NULL,
    event           text        NOT NULL,
    payload         jsonb       NOT NULL,
    state           text        NOT NULL CHECK (state IN ('pending', 'grouped', 'delivered', 'dead', 'suppressed')),
    group_keys      text[]      NOT NULL DEFAULT '{}',
    group_id        uuid,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz,
    last_error      text
);

CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE state = 'pending';
CREATE INDEX notifications_org_id ON notifications (org_id, id);
CREATE INDEX notifications_incident ON notifications (incident_id);
CREATE INDEX notifications_grouping ON notifications (channel_id, created_at) WHERE state IN ('pending', 'grouped', 'delivered');

-- Every try to deliver a notification, with what the receiver answered.
CREATE TABLE delivery_attempts (
    notification_id uuid        NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    attempt         integer     NOT NULL,
    at              timestamptz NOT NULL,
    outcome         text        NOT NULL CHECK (outcome IN ('delivered', 'failed', 'rejected')),
    http_status     integer     NOT NULL DEFAULT 0,
    response        text        NOT NULL DEFAULT '',
    error           text        NOT NULL DEFAULT '',
    duration_ms     integer     NOT NULL DEFAULT 0,
    PRIMARY KEY (notification_id, attempt)
);
