package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.KeyHash;
import dev.switchboard.auth.VirtualKey;
import dev.switchboard.config.Budget;
import dev.switchboard.config.ConfigValidator;
import dev.switchboard.config.Limits;
import dev.switchboard.error.GatewayError;
import dev.switchboard.store.StoreTx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code /admin/keys}: virtual keys. Create and rotate answer the key itself once, as {@code key};
 * the store keeps only its SHA-256 and a prefix to show. Every write rebuilds this instance's
 * snapshot before it answers, so a disabled, rotated or deleted key stops working at once here
 * (and within a poll interval on the other instances).
 */
public final class KeysAdmin {

    /** What the answers carry that the server writes itself: ignored in a body sent back. */
    private static final List<String> READ_ONLY = List.of("id", "keyPrefix", "source", "createdAt", "updatedAt");

    static final List<String> FIELDS = List.of("name", "allowedModels", "teamId", "budget", "limits", "systemPrompt", "expiresAt",
            "enabled", "metadata");

    /** The admin body of a key. */
    record Input(String name, List<String> allowedModels, String teamId, Budget budget, Limits limits, String systemPrompt,
                 Instant expiresAt, Boolean enabled, Map<String, Object> metadata) {}

    private final AdminHttp http;
    private final Clock clock;

    KeysAdmin(AdminHttp http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    void mount(Router r) {
        r.post("/admin/keys").handler(this::create);
        r.get("/admin/keys").handler(this::list);
        r.get("/admin/keys/:id").handler(this::get);
        r.patch("/admin/keys/:id").handler(this::patch);
        r.delete("/admin/keys/:id").handler(this::delete);
        r.post("/admin/keys/:id/rotate").handler(this::rotate);
    }

    private void create(RoutingContext ctx) {
        ObjectNode body = AdminHttp.object(ctx, READ_ONLY);
        String value = KeyHash.newVirtualKey();
        http.write(ctx, 201, tx -> {
            VirtualKey key = newKey(body, value, clock.instant());
            insert(tx, key);
            return key;
        }, key -> AdminHttp.data(view(key).put("key", value)));
    }

    private void list(RoutingContext ctx) {
        AdminHttp.Paging p = AdminHttp.paging(ctx);
        http.read(ctx, tx -> tx.keys().page(p.limit(), p.offset()), page -> AdminHttp.list(page.map(KeysAdmin::view)));
    }

    private void get(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        http.read(ctx, tx -> tx.keys().find(id).orElseThrow(() -> AdminHttp.notFound("key", id)), k -> AdminHttp.data(view(k)));
    }

    private void patch(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        ObjectNode patch = AdminHttp.object(ctx, READ_ONLY);
        http.write(ctx, 200, tx -> patched(tx, id, patch, clock.instant()), saved -> AdminHttp.data(view(saved)));
    }

    private void delete(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        http.write(ctx, 200, tx -> tx.keys().delete(editable(tx, id).id()), gone -> AdminHttp.deleted(id));
    }

    private void rotate(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        String value = KeyHash.newVirtualKey();
        http.write(ctx, 200, tx -> {
            VirtualKey next = editable(tx, id).withSecret(KeyHash.sha256Hex(value), KeyHash.prefixOf(value), clock.instant());
            tx.keys().update(next);
            return next;
        }, saved -> AdminHttp.data(view(saved).put("key", value)));
    }

    // ------------------------------------------------------------------ shared with the command line

    /**
     * A new key from an admin body, checked, whose secret is {@code value}: what both
     * {@code POST /admin/keys} and {@code switchboard keys create} save. A bad field throws a
     * {@link GatewayError} or a {@link dev.switchboard.config.ConfigException} naming it.
     */
    public static VirtualKey newKey(JsonNode body, String value, Instant now) {
        Input in = checked(body);
        return new VirtualKey(Ids.key(), in.name(), KeyHash.sha256Hex(value), KeyHash.prefixOf(value), in.teamId(),
                in.allowedModels(), in.budget(), in.limits(), in.systemPrompt(), in.expiresAt(), in.enabled() == null || in.enabled(),
                in.metadata(), "api", now, now);
    }

    /** Saves a new key: its team must exist and its name be free. */
    public static void insert(StoreTx tx, VirtualKey key) {
        requireTeam(tx, key.teamId());
        if (tx.keys().findByName(key.name()).isPresent()) throw taken(key.name());
        tx.keys().insert(key);
    }

    /**
     * Applies a JSON merge patch to a key created through the API (a file key is read-only), checked
     * as a whole afterwards: {@code PATCH /admin/keys/{id}} and {@code switchboard keys revoke}.
     */
    public static VirtualKey patched(StoreTx tx, String id, JsonNode patch, Instant now) {
        VirtualKey current = editable(tx, id);
        Input in = checked(AdminHttp.mergePatch(input(current), patch));
        requireTeam(tx, in.teamId());
        if (!in.name().equals(current.name()) && tx.keys().findByName(in.name()).isPresent()) throw taken(in.name());
        VirtualKey next = new VirtualKey(id, in.name(), current.keyHash(), current.keyPrefix(), in.teamId(), in.allowedModels(),
                in.budget(), in.limits(), in.systemPrompt(), in.expiresAt(), in.enabled() == null || in.enabled(), in.metadata(),
                current.source(), current.createdAt(), now);
        tx.keys().update(next);
        return next;
    }

    /** The key with that id when it may be changed: 404 when there is none, 409 {@code read_only_entry} for a file key. */
    public static VirtualKey editable(StoreTx tx, String id) {
        VirtualKey current = tx.keys().find(id).orElseThrow(() -> AdminHttp.notFound("key", id));
        if ("file".equals(current.source())) throw AdminHttp.readOnly("key");
        return current;
    }

    private static void requireTeam(StoreTx tx, String teamId) {
        if (teamId != null && tx.teams().find(teamId).isEmpty()) throw GatewayError.invalid("teamId", "No team with id '" + teamId + "'.");
    }

    private static GatewayError taken(String name) {
        return GatewayError.conflict("name", "A key named '" + name + "' already exists.");
    }

    private static Input checked(JsonNode body) {
        Input in = AdminHttp.bind(body, Input.class, FIELDS);
        AdminHttp.name("name", in.name());
        if (in.allowedModels() != null) {
            for (int i = 0; i < in.allowedModels().size(); i++) {
                String m = in.allowedModels().get(i);
                if (!ConfigValidator.allowedModel(m)) {
                    throw GatewayError.invalid("allowedModels[" + i + "]", "Entries must be public model names or provider/* patterns.");
                }
            }
        }
        if (in.systemPrompt() != null && in.systemPrompt().length() > 100_000) {
            throw GatewayError.invalid("systemPrompt", "'systemPrompt' must be at most 100000 characters.");
        }
        ConfigValidator.budget("budget", in.budget());
        ConfigValidator.limits("limits", in.limits());
        return in;
    }

    private static JsonNode input(VirtualKey k) {
        return AdminHttp.STRICT.valueToTree(new Input(k.name(), k.allowedModels(), k.teamId(), k.budget(), k.limits(), k.systemPrompt(),
                k.expiresAt(), k.enabled(), k.metadata()));
    }

    /** A key as the admin API shows it: everything but the hash. */
    public static ObjectNode view(VirtualKey k) {
        ObjectNode n = AdminHttp.STRICT.valueToTree(k);
        n.remove("keyHash");
        return n;
    }
}
