package dev.switchboard.http;

import dev.switchboard.pipeline.Authenticate;
import dev.switchboard.pipeline.Dispatch;
import dev.switchboard.pipeline.MalformedRequests;
import dev.switchboard.pipeline.Policy;
import dev.switchboard.routing.DeploymentHealth;
import dev.switchboard.transport.ClientDeadlines;
import dev.switchboard.transport.OutboundConnector;
import dev.switchboard.transport.UpstreamOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * One instance per event loop: its own HTTP server (Vert.x shares the port among them) and its
 * own outbound connector, so a request and its upstream call stay on one event loop.
 */
public final class GatewayVerticle extends VerticleBase {

    /**
     * What every instance shares; the verticle builds the per-event-loop parts itself.
     *
     * @param circuits circuit-breaker state, shared by every event loop (and, with Redis, every instance)
     */
    public record Shared(HttpServerOptions serverOptions, String host, int port, UpstreamOptions upstream, Authenticate authenticate,
                         RoutesConfig routes, DeploymentHealth health, RandomGenerator random, Policy policy, Consumer<HttpServer> onListening) {}

    /** The route settings that do not depend on the event loop. */
    public record RoutesConfig(long maxBodyBytes, java.util.List<String> corsOrigins, long pingMs,
                               java.util.function.Supplier<String> notReady, dev.switchboard.admin.AdminApi.Deps admin,
                               dev.switchboard.pipeline.ResponseStore responses, java.time.Clock clock, Routes.Operations operations,
                               dev.switchboard.pipeline.Accounting accounting, dev.switchboard.pipeline.Drain drain) {}

    private final Shared shared;
    private OutboundConnector connector;

    public GatewayVerticle(Shared shared) {
        this.shared = shared;
    }

    @Override
    public Future<?> start() {
        connector = new OutboundConnector(vertx, shared.upstream());
        Dispatch dispatch = new Dispatch(vertx, connector, shared.health(), shared.random(), shared.policy());
        RoutesConfig rc = shared.routes();
        var router = Routes.build(new Routes.Deps(vertx, dispatch, connector, shared.authenticate(), rc.maxBodyBytes(), rc.corsOrigins(),
                rc.pingMs(), rc.notReady(), rc.admin(), rc.responses(), rc.clock(), rc.operations(), rc.accounting(), rc.drain()));
        HttpServer server = vertx.createHttpServer(shared.serverOptions()).connectionHandler(connection -> {
            rc.drain().connected(connection);
            ClientDeadlines.install(connection);
        }).invalidRequestHandler(MalformedRequests::answer).requestHandler(router);
        return server.listen(shared.port(), shared.host()).onSuccess(shared.onListening()::accept);
    }

    @Override
    public Future<?> stop() {
        return connector == null ? Future.succeededFuture() : connector.close();
    }
}
