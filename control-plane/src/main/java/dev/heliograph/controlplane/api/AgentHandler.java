package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.agents.AgentHub;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;

/**
 * {@code /api/v1/agents}: the registered agents with their status now ({@code ok} or
 * {@code not_reporting}), {@code last_seen} and how many targets each is assigned; deleting one
 * revokes its key at once. Lists are ordered by id; filters {@code region} and {@code status}.
 */
public final class AgentHandler {
    private final AgentHub hub;

    public AgentHandler(AgentHub hub) {
        this.hub = hub;
    }


    @ApiRoute(method = "GET", path = "/api/v1/agents", operatorOnly = true)
    @Operation(summary = "List agents",
            description = "Ordered by id, with each agent's status now, last_seen and assigned targets.")
    @PagedResponse(value = AgentHub.AgentView.class, itemExample = ApiExamples.AGENT)
    @Parameter(name = "region", description = "only agents of this region", example = "eu-west",
            schema = @Schema(types = "string"))
    @Parameter(name = "status", description = "only agents with this status", example = "ok",
            schema = @Schema(types = "string", allowableValues = {"ok", "not_reporting"}))
    @ApiResponse(responseCode = "400", description = "INVALID_PARAMETER: status, limit or cursor is not valid")
    private void list(RoutingContext ctx) {
        int limit = Paging.limit(ctx);
        String cursor = Paging.decode(ctx);
        UUID after;
        try {
            after = cursor == null ? null : UUID.fromString(cursor);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter("cursor", "cursor is not valid; pass next_cursor back unchanged");
        }
        String region = ctx.request().getParam("region");
        String status = ctx.request().getParam("status");
        if (status != null && !status.equals("ok") && !status.equals("not_reporting")) {
            throw ApiException.badParameter("status", "status must be ok or not_reporting");
        }
        hub.list().onSuccess(all -> {
            List<AgentHub.AgentView> matching = all.stream()
                    .filter(a -> region == null || a.region().equals(region))
                    .filter(a -> status == null || a.status().equals(status))
                    .filter(a -> after == null || a.id().compareTo(after) > 0)
                    .sorted(java.util.Comparator.comparing(AgentHub.AgentView::id))
                    .toList();
            Paging.respond(ctx, matching, limit, agent -> agent, agent -> agent.id().toString());
        }).onFailure(ctx::fail);
    }

    @ApiRoute(method = "GET", path = "/api/v1/agents/{id}", operatorOnly = true)
    @Operation(summary = "Read an agent")
    @Parameter(name = "id", description = "the agent's id", example = ApiExamples.UUID)
    @ApiResponse(responseCode = "200", description = "the agent",
            content = @Content(schema = @Schema(implementation = AgentHub.AgentView.class),
                    examples = @ExampleObject(ApiExamples.AGENT)))
    @ApiResponse(responseCode = "404", description = "AGENT_NOT_FOUND: no agent with this id")
    private void get(RoutingContext ctx) {
        UUID id = agentId(ctx);
        hub.list().onSuccess(all -> all.stream().filter(a -> a.id().equals(id)).findFirst().ifPresentOrElse(
                agent -> Responses.json(ctx, 200, agent), () -> ctx.fail(notFound(id.toString()))))
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "DELETE", path = "/api/v1/agents/{id}", role = Role.EDITOR, operatorOnly = true)
    @Operation(summary = "Delete an agent",
            description = "Its key stops working at once and its targets move to the region's other agents.")
    @Parameter(name = "id", description = "the agent's id", example = ApiExamples.UUID)
    @ApiResponse(responseCode = "204", description = "deleted")
    @ApiResponse(responseCode = "404", description = "AGENT_NOT_FOUND: no agent with this id")
    private void delete(RoutingContext ctx) {
        UUID id = agentId(ctx);
        hub.delete(id).onSuccess(existed -> {
            if (existed) {
                ctx.response().setStatusCode(204).end();
            } else {
                ctx.fail(notFound(id.toString()));
            }
        }).onFailure(ctx::fail);
    }

    private static UUID agentId(RoutingContext ctx) {
        return Ids.path(ctx, AgentHandler::notFound);
    }

    private static ApiException notFound(String id) {
        return Ids.notFound("AGENT_NOT_FOUND", "agent", id);
    }
}
