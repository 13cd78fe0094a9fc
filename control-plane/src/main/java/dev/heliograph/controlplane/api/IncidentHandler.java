package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.incidents.AgentIncidents;
import dev.heliograph.controlplane.incidents.Incident;
import dev.heliograph.controlplane.incidents.IncidentEngine;
import dev.heliograph.controlplane.incidents.IncidentKind;
import dev.heliograph.controlplane.incidents.IncidentPlanner;
import dev.heliograph.controlplane.incidents.IncidentQueries;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.TargetId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /api/v1/incidents}: list (newest first, filtered), one with its timeline, acknowledge and
 * resolve with a note. Acknowledge and resolve go to the incident's one writer (the incident engine for
 * target incidents, {@link AgentIncidents} for agent incidents), never straight to the database.
 */
public final class IncidentHandler {
    private static final Set<String> STATES = Set.of(Incident.OPEN, Incident.ACKNOWLEDGED, Incident.RESOLVED);
    private final IncidentQueries queries;
    private final IncidentEngine engine;
    private final AgentIncidents agents;

    public IncidentHandler(IncidentQueries queries, IncidentEngine engine, AgentIncidents agents) {
        this.queries = queries;
        this.engine = engine;
        this.agents = agents;
    }

    /** Body of acknowledge and resolve: an optional note. */
    @Schema(name = "IncidentNote")
    public record NoteRequest(@Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "up to 1000 characters") String note) {
    }

    @ApiRoute(method = "GET", path = "/api/v1/incidents")
    @Operation(summary = "List incidents", description = "Newest first. Filters: state (repeatable, or active = open and acknowledged), "
            + "kind (repeatable), target_id, since (opened at or after, RFC 3339).")
    @PagedResponse(value = IncidentView.class, itemExample = ApiExamples.INCIDENT)
    @Parameter(name = "state", description = "open, acknowledged, resolved, or active (repeatable)", example = "active",
            array = @ArraySchema(schema = @Schema(types = "string")))
    @Parameter(name = "kind", description = "down, regional, degraded, config_error, agent_not_reporting (repeatable)", example = "down",
            array = @ArraySchema(schema = @Schema(types = "string")))
    @Parameter(name = "target_id", description = "only this target's incidents", example = ApiExamples.TARGET_ID,
            schema = @Schema(types = "string"))
    @Parameter(name = "since", description = "only incidents opened at or after this time", example = "2026-01-31T00:00:00Z",
            schema = @Schema(types = "string"))
    @ApiResponse(responseCode = "400", description = "INVALID_PARAMETER: a filter, limit or cursor is not valid (details.field names it)")
    private void list(RoutingContext ctx) {
        int limit = Paging.limit(ctx);
        UUID before = Ids.parameter(Paging.decode(ctx), "cursor");
        IncidentQueries.Filter filter = new IncidentQueries.Filter(states(ctx), kinds(ctx), targetId(ctx), since(ctx));
        queries.list(ApiServer.org(ctx), filter, before, limit)
                .onSuccess(found -> Paging.respond(ctx, found, limit, IncidentView::of, i -> i.id().toString()))
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "GET", path = "/api/v1/incidents/{id}")
    @Operation(summary = "Read an incident with its timeline")
    @Parameter(name = "id", description = "the incident's id", example = ApiExamples.INCIDENT_ID)
    @ApiResponse(responseCode = "200", description = "the incident and its timeline, oldest line first",
            content = @Content(schema = @Schema(implementation = IncidentView.class), examples = @ExampleObject(ApiExamples.INCIDENT_DETAIL)))
    @ApiResponse(responseCode = "404", description = "INCIDENT_NOT_FOUND: the org has no incident with this id")
    private void get(RoutingContext ctx) {
        OrgId org = ApiServer.org(ctx);
        UUID id = incidentId(ctx);
        require(org, id).compose(incident -> queries.timeline(org, id).map(lines -> IncidentView.of(incident, lines)))
                .onSuccess(view -> Responses.json(ctx, 200, view))
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "POST", path = "/api/v1/incidents/{id}/acknowledge", role = Role.EDITOR)
    @Operation(summary = "Acknowledge an incident", description = "Someone is on it: reminders stop. The body (an optional note) may be "
            + "left out. Acknowledging twice changes nothing.")
    @Parameter(name = "id", description = "the incident's id", example = ApiExamples.INCIDENT_ID)
    @RequestBody(required = false, content = @Content(schema = @Schema(implementation = NoteRequest.class),
            examples = @ExampleObject("{\"note\": \"looking into it\"}")))
    @ApiResponse(responseCode = "200", description = "the incident as stored now",
            content = @Content(schema = @Schema(implementation = IncidentView.class), examples = @ExampleObject(ApiExamples.INCIDENT)))
    @ApiResponse(responseCode = "404", description = "INCIDENT_NOT_FOUND: the org has no incident with this id")
    @ApiResponse(responseCode = "409", description = "INCIDENT_RESOLVED: the incident is already resolved")
    private void acknowledge(RoutingContext ctx) {
        change(ctx, false);
    }

    @ApiRoute(method = "POST", path = "/api/v1/incidents/{id}/resolve", role = Role.EDITOR)
    @Operation(summary = "Resolve an incident", description = "Ends the incident now, with an optional note; the channels told of it get "
            + "resolved. A target incident's regions count as up again: if the target still fails, a new incident opens after "
            + "failure_threshold failures.")
    @Parameter(name = "id", description = "the incident's id", example = ApiExamples.INCIDENT_ID)
    @RequestBody(required = false, content = @Content(schema = @Schema(implementation = NoteRequest.class),
            examples = @ExampleObject("{\"note\": \"fixed the load balancer\"}")))
    @ApiResponse(responseCode = "200", description = "the incident as stored now",
            content = @Content(schema = @Schema(implementation = IncidentView.class), examples = @ExampleObject(ApiExamples.INCIDENT)))
    @ApiResponse(responseCode = "404", description = "INCIDENT_NOT_FOUND: the org has no incident with this id")
    @ApiResponse(responseCode = "409", description = "INCIDENT_RESOLVED: the incident is already resolved")
    private void resolve(RoutingContext ctx) {
        change(ctx, true);
    }

    private void change(RoutingContext ctx, boolean resolve) {
        OrgId org = ApiServer.org(ctx);
        UUID id = incidentId(ctx);
        String note = note(ctx);
        String by = "api-key:" + ApiRoutes.caller(ctx).keyId();
        require(org, id).compose(incident -> {
            if (!incident.active()) {
                return Future.failedFuture(resolved(id));
            }
            Future<Incident> changed;
            if (incident.kind() == IncidentKind.AGENT_NOT_REPORTING) {
                changed = resolve ? agents.resolve(id, by, note) : agents.acknowledge(id, by, note);
            } else {
                changed = resolve ? engine.resolve(id, by, note) : engine.acknowledge(id, by, note);
            }
            return changed.recover(error -> Future.failedFuture(error instanceof IncidentPlanner.IncidentGone ? resolved(id) : error));
        }).onSuccess(incident -> Responses.json(ctx, 200, IncidentView.of(incident))).onFailure(ctx::fail);
    }

    private Future<Incident> require(OrgId org, UUID id) {
        return queries.get(org, id).compose(found -> found.map(Future::succeededFuture)
                .orElseGet(() -> Future.failedFuture(notFound(id.toString()))));
    }

    private static String note(RoutingContext ctx) {
        String body = ctx.body().asString();
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonNode tree = JsonBody.tree(ctx);
        if (!tree.isObject()) {
            throw new ApiException(400, "MALFORMED_JSON", "request body must be a JSON object");
        }
        String note = JsonBody.bind(tree, NoteRequest.class, "").note();
        if (note != null && (note.length() > 1000 || note.chars().anyMatch(c -> c == 0))) {
            throw ApiException.validation(List.of(new dev.heliograph.domain.FieldError("note", dev.heliograph.domain.FieldError.TOO_LONG,
                    "note must be at most 1000 characters")));
        }
        return note;
    }

    private static Set<String> states(RoutingContext ctx) {
        Set<String> states = new HashSet<>();
        for (String state : ctx.queryParam("state")) {
            if (state.equals("active")) {
                states.add(Incident.OPEN);
                states.add(Incident.ACKNOWLEDGED);
            } else if (STATES.contains(state)) {
                states.add(state);
            } else {
                throw ApiException.badParameter("state", "state must be open, acknowledged, resolved or active");
            }
        }
        return states;
    }

    private static Set<String> kinds(RoutingContext ctx) {
        Set<String> kinds = new HashSet<>();
        for (String kind : ctx.queryParam("kind")) {
            try {
                kinds.add(IncidentKind.fromWire(kind).wire());
            } catch (IllegalArgumentException e) {
                throw ApiException.badParameter("kind", "kind must be down, regional, degraded, config_error or agent_not_reporting");
            }
        }
        return kinds;
    }

    private static TargetId targetId(RoutingContext ctx) {
        String text = ctx.request().getParam("target_id");
        if (text == null) {
            return null;
        }
        try {
            return TargetId.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter("target_id", "target_id must be a target's id");
        }
    }

    private static Instant since(RoutingContext ctx) {
        String text = ctx.request().getParam("since");
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.badParameter("since", "since must be an RFC 3339 UTC time such as 2026-01-31T00:00:00Z");
        }
    }

    static UUID incidentId(RoutingContext ctx) {
        return Ids.path(ctx, IncidentHandler::notFound);
    }

    private static ApiException notFound(String id) {
        return Ids.notFound("INCIDENT_NOT_FOUND", "incident", id);
    }

    private static ApiException resolved(UUID id) {
        return new ApiException(409, "INCIDENT_RESOLVED", "incident " + id + " is already resolved", Map.of("id", id.toString()));
    }
}
