package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.agents.AgentHub;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
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
    private void get(RoutingContext ctx) {
        UUID id = agentId(ctx);
        hub.list().onSuccess(all -> all.stream().filter(a -> a.id().equals(id)).findFirst().ifPresentOrElse(
                agent -> Responses.json(ctx, 200, agent), () -> ctx.fail(notFound(id.toString()))))
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "DELETE", path = "/api/v1/agents/{id}", role = Role.EDITOR, operatorOnly = true)
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
        String text = ctx.pathParam("id");
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw notFound(text);
        }
    }

    private static ApiException notFound(String id) {
        return new ApiException(404, "AGENT_NOT_FOUND", "no agent with id " + id, Map.of("id", id));
    }
}
