package dev.heliograph.controlplane.alerting;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The message of a grouped notification: one message listing the incidents held for it, all of one
 * event ({@code opened} or {@code resolved}) and sharing one key ({@code tag:shop}, {@code region:eu}).
 */
final class GroupMessages {
    /** Most target names listed in the one-line summary. */
    static final int NAMES_IN_SUMMARY = 5;

    private GroupMessages() {
    }

    /** The grouped message of {@code group} with {@code members}, made {@code at}; its id is the group row's. */
    static NotificationMessage of(OutboxRows.Claimed group, List<OutboxRows.Member> members, Instant at) {
        List<NotificationMessage.IncidentSummary> incidents = members.stream().map(m -> m.message().incident()).toList();
        return new NotificationMessage(group.id(), group.event(), at, group.orgId(), summary(group.event(), group.groupKey(), incidents),
                null, new NotificationMessage.Group(group.groupKey(), incidents));
    }

    /** E.g. {@code DOWN: 12 targets with tag shop are down: web, api, db, cache, queue and 7 more}. */
    static String summary(NotificationEvent event, String key, List<NotificationMessage.IncidentSummary> incidents) {
        String sharing = key.startsWith("tag:") ? "with tag " + key.substring(4) : "in region " + key.substring(key.indexOf(':') + 1);
        String names = incidents.stream().limit(NAMES_IN_SUMMARY)
                .map(i -> i.target() == null ? i.title() : i.target().name()).collect(Collectors.joining(", "));
        int more = incidents.size() - Math.min(incidents.size(), NAMES_IN_SUMMARY);
        String state = event == NotificationEvent.RESOLVED ? "are up again" : "are down";
        return (event == NotificationEvent.RESOLVED ? "RESOLVED: " : "DOWN: ") + incidents.size() + " targets " + sharing + " " + state + ": "
                + names + (more > 0 ? " and " + more + " more" : "");
    }
}
