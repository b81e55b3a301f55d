package dev.switchboard.admin;

import dev.switchboard.app.ConfigSync;
import dev.switchboard.config.ConfigValidator;
import dev.switchboard.config.SnapshotBuilder;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.pipeline.Exchange;
import dev.switchboard.store.Store;
import dev.switchboard.transport.OutboundConnector;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * The admin API of CONTRACT.md under {@code /admin}: master key only (a virtual key gets 403
 * {@code admin_only}). Handlers are control-plane code: their store work runs on virtual threads,
 * never on the event loop, and every write rebuilds the config snapshot before it answers.
 */
public final class AdminApi {

    /** What the admin API needs from the wiring; one per gateway, shared by every event loop. */
    public record Deps(Store store, ConfigSync sync, ConfigValidator validator, SnapshotBuilder builder, Clock clock, Executor blocking) {}

    private AdminApi() {}

    /** Adds the admin routes; {@code /admin/*} must already be authenticated and have its body read. */
    public static void mount(Router router, Deps deps, Vertx vertx, OutboundConnector connector) {
        router.route("/admin/*").handler(ctx -> {
            if (!Exchange.of(ctx).principal().admin()) {
                ctx.fail(GatewayError.of(ErrorKind.ADMIN_ONLY, "The admin API takes the master key, not a virtual key."));
            } else {
                ctx.next();
            }
        });
        AdminHttp http = new AdminHttp(deps.blocking(), deps.store(), deps.sync());
        new DeploymentsAdmin(http, deps.store(), deps.sync(), deps.validator(), deps.builder(), new DeploymentTester(vertx, connector)).mount(router);
        new KeysAdmin(http, deps.clock()).mount(router);
        new TeamsAdmin(http).mount(router);
        new RoutingAdmin(http).mount(router);
        new UsageAdmin(http, deps.store(), deps.clock()).mount(router);
    }
}
