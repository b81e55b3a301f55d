package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.app.ConfigSync;
import dev.switchboard.config.ConfigValidator;
import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.config.SnapshotBuilder;
import dev.switchboard.error.GatewayError;
import dev.switchboard.routing.Deployment;
import dev.switchboard.store.Page;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreTx;
import dev.switchboard.usage.Price;
import dev.switchboard.usage.PriceCatalog;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code /admin/deployments}: create, list, get, patch, delete, the {@code resolve} dry run, and
 * the public catalog {@code /admin/models}. A body is checked the way the config file is (same
 * validator, same field names) and must be servable (provider in this build, credentials present
 * in the body or the environment) before anything is written.
 */
public final class DeploymentsAdmin {

    /** What the answers carry that the server writes itself: ignored in a body sent back. */
    private static final List<String> READ_ONLY = List.of("id", "source", "credentialFields");

    static final List<String> FIELDS = List.of("publicModel", "provider", "upstreamModel", "credentials", "baseUrl", "apiVersion",
            "weight", "rpmLimit", "tpmLimit", "maxConcurrency", "pricing", "timeouts", "extraHeaders", "enabled");

    private final AdminHttp http;
    private final Store store;
    private final ConfigSync sync;
    private final ConfigValidator validator;
    private final SnapshotBuilder builder;
    private final DeploymentTester tester;

    DeploymentsAdmin(AdminHttp http, Store store, ConfigSync sync, ConfigValidator validator, SnapshotBuilder builder, DeploymentTester tester) {
        this.http = http;
        this.store = store;
        this.sync = sync;
        this.validator = validator;
        this.builder = builder;
        this.tester = tester;
    }

    void mount(Router r) {
        r.post("/admin/deployments/resolve").handler(this::resolve);
        r.post("/admin/deployments").handler(this::create);
        r.get("/admin/deployments").handler(this::list);
        r.get("/admin/deployments/:id").handler(this::get);
        r.patch("/admin/deployments/:id").handler(this::patch);
        r.delete("/admin/deployments/:id").handler(this::delete);
        r.post("/admin/deployments/:id/test").handler(this::test);
        r.get("/admin/models").handler(this::catalog);
    }

    private void create(RoutingContext ctx) {
        ObjectNode body = AdminHttp.object(ctx, READ_ONLY);
        http.write(ctx, 201, tx -> {
            DeploymentSpec spec = newDeployment(body, validator, builder);
            tx.deployments().insert(spec);
            return spec;
        }, spec -> AdminHttp.data(view(spec)));
    }

    private void resolve(RoutingContext ctx) {
        ObjectNode body = AdminHttp.object(ctx, READ_ONLY);
        http.run(ctx, 200, () -> resolved(checked(body, null, "api")));
    }

    private JsonNode resolved(DeploymentSpec spec) {
        Deployment d = builder.servable(spec, sync.snapshots().get().router().timeouts());
        ObjectNode out = AdminHttp.STRICT.createObjectNode();
        out.set("deployment", view(spec));
        ObjectNode resolved = out.putObject("resolved");
        resolved.put("baseUrl", d.baseUrl() == null ? null : d.baseUrl().toString());
        resolved.put("wireFormat", d.wireFormat().name().toLowerCase());
        resolved.put("credentials", !spec.credentials().isEmpty() ? "deployment"
                : d.apiKey() != null ? "environment (" + d.provider().endpoint().apiKeyEnv() + ")" : "none");
        resolved.set("capabilities", AdminHttp.STRICT.valueToTree(d.provider().capabilities()));
        resolved.set("timeouts", AdminHttp.STRICT.valueToTree(d.timeouts()));
        resolved.put("joinsPool", spec.publicModel());
        return AdminHttp.data(out);
    }

    private void list(RoutingContext ctx) {
        AdminHttp.Paging p = AdminHttp.paging(ctx);
        http.read(ctx, tx -> tx.deployments().page(p.limit(), p.offset()), page -> AdminHttp.list(page.map(DeploymentsAdmin::view)));
    }

    private void get(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        http.read(ctx, tx -> tx.deployments().find(id).orElseThrow(() -> AdminHttp.notFound("deployment", id)), d -> AdminHttp.data(view(d)));
    }

    private void patch(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        ObjectNode patch = AdminHttp.object(ctx, READ_ONLY);
        http.write(ctx, 200, tx -> {
            DeploymentSpec next = checked(AdminHttp.mergePatch(input(editable(tx, id)), patch), id, "api");
            tx.deployments().update(next);
            return next;
        }, saved -> AdminHttp.data(view(saved)));
    }

    private void delete(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        http.write(ctx, 200, tx -> tx.deployments().delete(editable(tx, id).id()), gone -> AdminHttp.deleted(id));
    }

    private void test(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        http.run(ctx, 200, () -> store.read(tx -> tx.deployments().find(id).orElseThrow(() -> AdminHttp.notFound("deployment", id))),
                spec -> tester.test(builder.servable(spec, sync.snapshots().get().router().timeouts())).map(n -> (JsonNode) AdminHttp.data(n)));
    }

    /**
     * Every public model with its pool, from the store (disabled deployments included, marked),
     * and the built-in {@code demo} pool while nothing is configured; a list like the others.
     */
    private void catalog(RoutingContext ctx) {
        AdminHttp.Paging paging = AdminHttp.paging(ctx);
        http.read(ctx, tx -> tx.deployments().all(), all -> {
            Map<String, List<DeploymentSpec>> pools = new LinkedHashMap<>();
            for (DeploymentSpec d : all) pools.computeIfAbsent(d.publicModel(), m -> new ArrayList<>()).add(d);
            var served = sync.snapshots().get().models();
            served.forEach((name, pool) -> {
                if (!pools.containsKey(name)) pools.put(name, pool.deployments().stream().map(Deployment::spec).toList());
            });
            List<JsonNode> items = new ArrayList<>();
            for (String name : new TreeSet<>(pools.keySet())) {
                ObjectNode m = AdminHttp.STRICT.createObjectNode();
                items.add(m);
                m.put("name", name);
                m.put("servable", served.containsKey(name) && !served.get(name).deployments().isEmpty());
                var deployments = m.putArray("deployments");
                for (DeploymentSpec d : pools.get(name)) {
                    ObjectNode o = deployments.addObject();
                    o.put("id", d.id());
                    o.put("provider", d.provider());
                    o.put("upstreamModel", d.upstreamModel());
                    o.put("weight", d.weight());
                    o.put("enabled", d.enabled());
                    o.put("source", d.source());
                    o.set("pricing", AdminHttp.STRICT.valueToTree(d.pricing()));
                    PriceCatalog.Effective price = PriceCatalog.standard().effective(d);
                    o.set("price", price.price().map(DeploymentsAdmin::price).orElse(null));
                    o.put("priceSource", price.source());
                    price.catalogEntry().ifPresent(entry -> {
                        if (entry.contextWindow() > 0) o.put("contextWindow", entry.contextWindow());
                        if (entry.maxOutputTokens() > 0) o.put("maxOutputTokens", entry.maxOutputTokens());
                        o.set("capabilities", AdminHttp.STRICT.valueToTree(new TreeSet<>(entry.capabilities())));
                    });
                }
            }
            return AdminHttp.list(Page.of(items, paging.limit(), paging.offset()));
        });
    }

    /** A price in force, in the admin API's field names; {@code reasoningPerMTokens} is null when reasoning costs as output. */
    static ObjectNode price(Price p) {
        ObjectNode n = AdminHttp.STRICT.createObjectNode();
        n.put("inputPerMTokens", p.inputPerMTokens());
        n.put("outputPerMTokens", p.outputPerMTokens());
        n.put("cachedInputPerMTokens", p.cachedInputPerMTokens());
        n.put("cacheWritePerMTokens", p.cacheWritePerMTokens());
        if (p.pricesReasoningApart()) n.put("reasoningPerMTokens", p.reasoningPerMTokens());
        else n.putNull("reasoningPerMTokens");
        return n;
    }

    private DeploymentSpec checked(JsonNode body, String id, String source) {
        return checked(body, id, source, validator, builder);
    }

    // ------------------------------------------------------------------ shared with the command line

    /**
     * A new deployment from an admin body, with a fresh id, checked as {@link #checked} does: what
     * both {@code POST /admin/deployments} and {@code switchboard deployments add} save.
     */
    public static DeploymentSpec newDeployment(JsonNode body, ConfigValidator validator, SnapshotBuilder builder) {
        return checked(body, Ids.deployment(), "api", validator, builder);
    }

    /**
     * Binds, validates and checks that the deployment can be served; nothing is written. A bad field
     * throws a {@link GatewayError} or a {@link dev.switchboard.config.ConfigException} naming it.
     */
    private static DeploymentSpec checked(JsonNode body, String id, String source, ConfigValidator validator, SnapshotBuilder builder) {
        DeploymentSpec in = AdminHttp.bind(body, DeploymentSpec.class, FIELDS);
        if (in.publicModel() == null) throw GatewayError.invalid("publicModel", "'publicModel' is required.");
        ConfigValidator.publicModel("publicModel", in.publicModel());
        validator.deployment("", in);
        DeploymentSpec spec = in.with(id, in.publicModel(), source);
        builder.servable(spec, dev.switchboard.config.Timeouts.DEFAULTS);
        return spec;
    }

    /** The stored deployment as an admin body (credentials included: this never leaves the process). */
    private static JsonNode input(DeploymentSpec d) {
        ObjectNode n = AdminHttp.STRICT.valueToTree(d);
        n.remove(List.of("id", "source"));
        return n;
    }

    /** The deployment with that id when it may be changed: 404 when there is none, 409 {@code read_only_entry} for a file entry. */
    public static DeploymentSpec editable(StoreTx tx, String id) {
        DeploymentSpec current = tx.deployments().find(id).orElseThrow(() -> AdminHttp.notFound("deployment", id));
        if ("file".equals(current.source())) throw AdminHttp.readOnly("deployment");
        return current;
    }

    /** What the API shows: everything but the credentials, of which only the field names. */
    public static ObjectNode view(DeploymentSpec d) {
        ObjectNode n = AdminHttp.STRICT.valueToTree(d);
        n.remove("credentials");
        n.set("credentialFields", AdminHttp.STRICT.valueToTree(new TreeSet<>(d.credentials().keySet())));
        return n;
    }
}
