package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.controlplane.registry.TargetRegistry;
import dev.heliograph.controlplane.storage.postgres.PgTargetStore;
import dev.heliograph.controlplane.storage.postgres.TargetTransaction;
import dev.heliograph.domain.FieldError;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetDraft;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.net.AddressGuard;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@code POST /api/v1/targets:bulk}: creates and updates up to {@value #MAX_ITEMS} targets in one
 * Postgres transaction, all or nothing. Actions on many targets at once ({@code :bulk-action}) are
 * {@link BulkActionHandler}'s. Every write is reported to the {@link TargetRegistry} after the commit.
 */
public final class BulkTargetHandler {
    /** Most items in one request. */
    public static final int MAX_ITEMS = 1000;

    private final PgTargetStore store;
    private final TargetRegistry registry;
    private final ItemDrafts drafts;

    /**
     * @param guard        the SSRF guard in force now (its allow-list can change at a reload)
     * @param regionExists whether a region a target names exists
     */
    public BulkTargetHandler(PgTargetStore store, TargetRegistry registry, RegionId defaultRegion, Supplier<AddressGuard> guard,
                             Predicate<RegionId> regionExists) {
        this.store = store;
        this.registry = registry;
        this.drafts = new ItemDrafts(defaultRegion, guard, regionExists, store::canStoreSecrets);
    }

    /** One item of the request: its position, the target it names by id (or {@code null}), its body. */
    private record Item(int index, TargetId id, TargetRequest request) {
    }

    /** One write to make: the target it replaces ({@code null}: a new one) and the draft. */
    private record Change(int index, Target current, TargetDraft draft) {
    }

    /** One write made. */
    private record Written(String action, Target target) {
    }

    /**
     * Creates or updates many targets at once. Request:
     * {@code {"items": [<target body as for POST /api/v1/targets>, ...]}}, 1..{@value #MAX_ITEMS}
     * items. An item with {@code "id"} replaces that target (like {@code PUT /api/v1/targets/{id}};
     * its {@code key}, when given, becomes the target's key); an item with a {@code "key"} that a
     * target of the org has replaces that target; any other item creates a target. {@code "***"} in a
     * secret field of a replacing item keeps the stored secret.
     *
     * <p>Answer 200: {@code {"created": 2, "updated": 1, "items": [{"action": "created" | "updated",
     * "target": <target as GET /api/v1/targets/{id} shows it>}, ...]}} in request order.
     *
     * <p>Errors, nothing written: 422 {@code VALIDATION_FAILED} listing every bad item at once
     * ({@code details.fields[].field} such as {@code items[3].spec.url}, and {@code details.items[]}
     * with {@code index}, {@code key}, {@code fields}), including ids the org does not have
     * ({@code NOT_FOUND}) and keys, names or targets used by two items ({@code DUPLICATE}); 409
     * {@code TARGET_NAME_TAKEN} / {@code TARGET_KEY_TAKEN} when an item's name or key belongs to a
     * target outside the request (code {@code TAKEN} in the same details); 400 for a malformed body.
     */
    @ApiRoute(method = "POST", path = "/api/v1/targets:bulk", role = Role.EDITOR, idempotent = true)
    @Operation(summary = "Create and replace many targets at once",
            description = "Up to 1000 items in one transaction, all or nothing. An item with id replaces that target (as "
                    + "PUT does); an item whose key a target of the org has replaces that target; any other item creates "
                    + "one. *** in a secret field of a replacing item keeps the stored secret.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = ApiSchemas.BulkRequest.class),
            examples = @ExampleObject(ApiExamples.BULK_REQUEST)))
    @ApiResponse(responseCode = "200", description = "what was written, in request order",
            content = @Content(schema = @Schema(implementation = ApiSchemas.BulkView.class),
                    examples = @ExampleObject(ApiExamples.BULK)))
    @ApiResponse(responseCode = "409", description = "TARGET_NAME_TAKEN or TARGET_KEY_TAKEN: an item's name or key belongs "
            + "to a target outside the request (details.items)")
    @ApiResponse(responseCode = "422", description = "VALIDATION_FAILED: every bad item at once (details.fields such as "
            + "items[3].spec.url, and details.items), including ids the org does not have (NOT_FOUND) and keys, names or "
            + "targets used by two items (DUPLICATE)")
    private void bulk(RoutingContext ctx) {
        ItemErrors errors = new ItemErrors("items");
        List<Item> items = items(JsonBody.tree(ctx), errors);
        OrgId org = ApiServer.org(ctx);
        store.inTransaction(org, tx -> changes(tx, org, items, errors).compose(changes -> write(tx, org, changes)))
                .onSuccess(written -> {
                    written.forEach(w -> registry.changed(w.target()));
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("created", written.stream().filter(w -> w.action().equals("created")).count());
                    body.put("updated", written.stream().filter(w -> w.action().equals("updated")).count());
                    body.put("items", written.stream().map(w -> {
                        Map<String, Object> item = new LinkedHashMap<>();
                        item.put("action", w.action());
                        item.put("target", TargetView.of(w.target()));
                        return item;
                    }).toList());
                    Responses.json(ctx, 200, body);
                })
                .onFailure(error -> ctx.fail(TargetHandler.conflict(error)));
    }

    /** The items of the body; binding errors go to {@code errors}, a body of the wrong shape throws 400/422. */
    private List<Item> items(JsonNode body, ItemErrors errors) {
        if (!body.isObject()) {
            throw new ApiException(400, "MALFORMED_JSON", "request body must be a JSON object");
        }
        body.fieldNames().forEachRemaining(name -> {
            if (!name.equals("items")) {
                throw new ApiException(400, "UNKNOWN_FIELD", "unknown field " + name, Map.of("field", name, "known_fields", List.of("items")));
            }
        });
        JsonNode array = body.path("items");
        if (!array.isArray()) {
            throw new ApiException(400, "INVALID_FIELD_TYPE", "items must be a list of targets", Map.of("field", "items"));
        }
        if (array.isEmpty() || array.size() > MAX_ITEMS) {
            throw ApiException.validation(List.of(new FieldError("items", FieldError.OUT_OF_RANGE,
                    "items must hold 1 to " + MAX_ITEMS + " targets")));
        }
        List<Item> items = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode node = array.get(i);
            TargetId id = null;
            if (node instanceof ObjectNode object && object.has("id")) {
                node = object.deepCopy();
                JsonNode idNode = ((ObjectNode) node).remove("id");
                try {
                    id = TargetId.parse(idNode.textValue());
                } catch (IllegalArgumentException | NullPointerException e) {
                    errors.add(i, "id", FieldError.INVALID_FORMAT, "id must be a target id (a UUID)");
                }
            }
            TargetRequest request = drafts.bind(node, i, errors);
            if (request != null) {
                errors.key(i, request.key());
            }
            items.add(new Item(i, id, request));
        }
        return items;
    }

    /**
     * Inside the transaction: locks the targets the items name (by id, key or name), validates every
     * item against them, and fails with every problem at once, or returns the writes to make.
     */
    private Future<List<Change>> changes(TargetTransaction tx, OrgId org, List<Item> items, ItemErrors errors) {
        Set<TargetId> ids = new HashSet<>();
        Set<String> keys = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (Item item : items) {
            if (item.id() != null) {
                ids.add(item.id());
            }
            // Only well-formed keys and names reach the query (Postgres refuses a NUL in text); the
            // others fail validation below.
            if (item.request() != null && TargetDraft.validKey(item.request().key())) {
                keys.add(item.request().key());
            }
            if (item.request() != null && item.request().name() != null
                    && item.request().name().chars().noneMatch(Character::isISOControl)) {
                names.add(item.request().name());
            }
        }
        return tx.lockMatching(org, ids, keys, names).compose(existing -> {
            List<Change> changes = validate(items, existing, errors);
            return parentsExist(org, changes, errors).compose(checked -> {
                if (errors.any()) {
                    return Future.failedFuture(errors.validationFailed());
                }
                ItemErrors taken = taken(changes, existing);
                if (taken.any()) {
                    return Future.failedFuture(taken.conflict());
                }
                return tx.deferUniqueness().map(changes);
            });
        });
    }

    /**
     * Records an {@code UNKNOWN_TARGET} error for every change whose {@code incident_rules.parent} is
     * neither the key of an item of the request nor of a target of the org.
     */
    private Future<Void> parentsExist(OrgId org, List<Change> changes, ItemErrors errors) {
        Set<String> requestKeys = new HashSet<>();
        changes.forEach(c -> requestKeys.add(c.draft().key() != null ? c.draft().key() : c.current() == null ? "" : c.current().key()));
        Set<String> wanted = new HashSet<>();
        changes.forEach(c -> {
            String parent = c.draft().rules().parent();
            if (parent != null && !requestKeys.contains(parent)) {
                wanted.add(parent);
            }
        });
        return store.idsByKey(org, wanted).map(found -> {
            for (Change change : changes) {
                String parent = change.draft().rules().parent();
                if (parent != null && !requestKeys.contains(parent) && !found.containsKey(parent)) {
                    errors.add(change.index(), "incident_rules.parent", FieldError.UNKNOWN_TARGET,
                            "parent '" + parent + "' is not the key of a target of the org or of the request");
                }
            }
            return null;
        });
    }

    private List<Change> validate(List<Item> items, List<Target> existing, ItemErrors errors) {
        Map<TargetId, Target> byId = new HashMap<>();
        Map<String, Target> byKey = new HashMap<>();
        existing.forEach(t -> {
            byId.put(t.id(), t);
            byKey.put(t.key(), t);
        });
        Map<TargetId, Integer> seenTargets = new HashMap<>();
        Map<String, Integer> seenKeys = new HashMap<>();
        Map<String, Integer> seenNames = new HashMap<>();
        List<Change> changes = new ArrayList<>();
        for (Item item : items) {
            int i = item.index();
            String key = item.request() == null ? null : item.request().key();
            Target current = item.id() != null ? byId.get(item.id()) : key == null ? null : byKey.get(key);
            if (item.id() != null && current == null) {
                errors.add(i, "id", ItemErrors.NOT_FOUND, "no target with id " + item.id());
            }
            if (item.request() == null || (item.id() != null && current == null)) {
                continue;
            }
            TargetDraft draft = drafts.draft(item.request(), i, current == null ? null : current.spec(), errors);
            if (draft == null) {
                continue;
            }
            if (current != null) {
                duplicate(seenTargets, current.id(), i, item.id() != null ? "id" : "key", "another item already changes this target", errors);
            }
            String finalKey = draft.key() != null ? draft.key() : current == null ? null : current.key();
            if (finalKey != null) {
                duplicate(seenKeys, finalKey, i, "key", "another item already uses key '" + finalKey + "'", errors);
            }
            duplicate(seenNames, draft.name(), i, "name", "another item already uses the name '" + draft.name() + "'", errors);
            changes.add(new Change(i, current, draft));
        }
        return changes;
    }

    private static <T> void duplicate(Map<T, Integer> seen, T value, int index, String field, String message, ItemErrors errors) {
        Integer first = seen.putIfAbsent(value, index);
        if (first != null) {
            errors.add(index, field, ItemErrors.DUPLICATE, message + " (item " + first + ")");
        }
    }

    /** Names and keys the changes give that a target the request does not change keeps. */
    private static ItemErrors taken(List<Change> changes, List<Target> existing) {
        Set<TargetId> changed = new HashSet<>();
        changes.stream().map(Change::current).filter(Objects::nonNull).forEach(t -> changed.add(t.id()));
        Set<String> keptNames = new HashSet<>();
        Set<String> keptKeys = new HashSet<>();
        existing.stream().filter(t -> !changed.contains(t.id())).forEach(t -> {
            keptNames.add(t.name());
            keptKeys.add(t.key());
        });
        ItemErrors taken = new ItemErrors("items");
        for (Change change : changes) {
            if (keptNames.contains(change.draft().name())) {
                taken.add(change.index(), "name", ItemErrors.TAKEN, "a target named '" + change.draft().name() + "' already exists");
            }
            if (change.draft().key() != null && keptKeys.contains(change.draft().key())) {
                taken.add(change.index(), "key", ItemErrors.TAKEN, "a target with key '" + change.draft().key() + "' already exists");
            }
        }
        return taken;
    }

    /** Writes the updates, then the creates, each in one round trip; the writes in request order. */
    private static Future<List<Written>> write(TargetTransaction tx, OrgId org, List<Change> changes) {
        Map<TargetId, TargetDraft> updates = new LinkedHashMap<>();
        List<TargetDraft> creates = new ArrayList<>();
        for (Change change : changes) {
            if (change.current() == null) {
                creates.add(change.draft());
            } else {
                updates.put(change.current().id(), change.draft());
            }
        }
        return tx.updateAll(org, updates).compose(updated -> tx.createAll(org, creates).map(created -> {
            List<Written> written = new ArrayList<>(changes.size());
            int u = 0;
            int c = 0;
            for (Change change : changes) {
                written.add(change.current() == null ? new Written("created", created.get(c++)) : new Written("updated", updated.get(u++)));
            }
            return written;
        }));
    }
}
