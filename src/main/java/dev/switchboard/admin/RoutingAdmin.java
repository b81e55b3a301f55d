package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.config.ConfigValidator;
import dev.switchboard.config.FallbackSpec;
import dev.switchboard.config.RouterSettings;
import dev.switchboard.store.Page;
import dev.switchboard.store.RouterSettingsRepository;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;

/**
 * {@code /admin/fallbacks} and {@code /admin/router-settings}: stored and validated now; the
 * routing issue acts on them. The router settings are one document: {@code GET} shows it with the
 * contract's defaults filled in and where it came from ({@code default}, {@code file}, {@code api}).
 */
final class RoutingAdmin {

    /** What the answers carry that the server writes itself: ignored in a body sent back. */
    private static final List<String> READ_ONLY = List.of("source");

    static final List<String> FALLBACK_FIELDS = List.of("primaryModel", "reason", "targets");
    static final List<String> ROUTER_FIELDS = List.of("strategy", "modelOverrides", "maxAttempts", "backoff", "allowedFails",
            "failureWindowSeconds", "cooldown", "timeouts", "unsupportedParameters", "redisFailure", "defaultOutputReservationTokens");

    record FallbackInput(String primaryModel, String reason, List<String> targets) {}

    private final AdminHttp http;

    RoutingAdmin(AdminHttp http) {
        this.http = http;
    }

    void mount(Router r) {
        r.get("/admin/fallbacks").handler(this::listFallbacks);
        r.put("/admin/fallbacks").handler(this::putFallback);
        r.deleteWithRegex("/admin/fallbacks/(?<primary>.+)/(?<reason>[a-z_]+)").setName("/admin/fallbacks/{primaryModel}/{reason}")
                .handler(this::deleteFallback);
        r.get("/admin/router-settings").handler(this::getRouter);
        r.put("/admin/router-settings").handler(this::putRouter);
    }

    private void listFallbacks(RoutingContext ctx) {
        AdminHttp.Paging p = AdminHttp.paging(ctx);
        http.read(ctx, tx -> tx.fallbacks().all(),
                all -> AdminHttp.list(Page.of(all, p.limit(), p.offset()).map(f -> (JsonNode) AdminHttp.STRICT.valueToTree(f))));
    }

    private void putFallback(RoutingContext ctx) {
        ObjectNode body = AdminHttp.object(ctx, READ_ONLY);
        http.write(ctx, 200, tx -> {
            FallbackInput in = AdminHttp.bind(body, FallbackInput.class, FALLBACK_FIELDS);
            FallbackSpec f = new FallbackSpec(in.primaryModel(), in.reason(), in.targets(), "api");
            ConfigValidator.fallback("", f);
            Optional<FallbackSpec> current = tx.fallbacks().find(f.primaryModel(), f.reason());
            if (current.isPresent() && "file".equals(current.get().source())) throw AdminHttp.readOnly("fallback chain");
            tx.fallbacks().upsert(f);
            return f;
        }, f -> AdminHttp.data(AdminHttp.STRICT.valueToTree(f)));
    }

    private void deleteFallback(RoutingContext ctx) {
        String primary = ctx.pathParam("primary");
        String reason = ctx.pathParam("reason");
        http.write(ctx, 200, tx -> {
            FallbackSpec current = tx.fallbacks().find(primary, reason)
                    .orElseThrow(() -> AdminHttp.notFound("fallback chain", primary + "/" + reason));
            if ("file".equals(current.source())) throw AdminHttp.readOnly("fallback chain");
            return tx.fallbacks().delete(primary, reason);
        }, gone -> AdminHttp.deleted(primary + "/" + reason));
    }

    private void getRouter(RoutingContext ctx) {
        http.read(ctx, tx -> tx.routerSettings().get(), stored -> AdminHttp.data(view(stored)));
    }

    private void putRouter(RoutingContext ctx) {
        ObjectNode body = AdminHttp.object(ctx, READ_ONLY);
        http.write(ctx, 200, tx -> {
            RouterSettings in = AdminHttp.bind(body, RouterSettings.class, ROUTER_FIELDS);
            ConfigValidator.router("", in);
            Optional<RouterSettingsRepository.Stored> current = tx.routerSettings().get();
            if (current.isPresent() && "file".equals(current.get().source())) throw AdminHttp.readOnly("router settings document");
            tx.routerSettings().put(in, "api");
            return new RouterSettingsRepository.Stored(in, "api");
        }, stored -> AdminHttp.data(view(Optional.of(stored))));
    }

    private static ObjectNode view(Optional<RouterSettingsRepository.Stored> stored) {
        RouterSettings effective = stored.map(s -> s.settings().withDefaults()).orElse(RouterSettings.DEFAULTS);
        ObjectNode n = AdminHttp.STRICT.valueToTree(effective);
        n.put("source", stored.map(RouterSettingsRepository.Stored::source).orElse("default"));
        return n;
    }
}
