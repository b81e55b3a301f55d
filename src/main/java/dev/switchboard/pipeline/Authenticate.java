package dev.switchboard.pipeline;

import dev.switchboard.auth.Authenticator;
import dev.switchboard.config.ConfigSnapshot;
import dev.switchboard.config.SnapshotHolder;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Pins the config snapshot for the request and finds the caller. A failure is a 401 in the
 * client's format; the key itself never reaches a log line.
 */
public final class Authenticate implements Handler<RoutingContext> {

    private final SnapshotHolder snapshots;
    private final Authenticator authenticator;

    public Authenticate(SnapshotHolder snapshots, Authenticator authenticator) {
        this.snapshots = snapshots;
        this.authenticator = authenticator;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Exchange ex = Exchange.of(ctx);
        ConfigSnapshot snapshot = snapshots.get();
        ex.snapshot(snapshot);
        HttpServerRequest req = ctx.request();
        String path = req.path();
        String queryKey = path.startsWith("/v1beta/") ? req.getParam("key") : null;
        ex.principal(authenticator.authenticate(req.headers(), path, queryKey, snapshot));
        ctx.next();
    }
}
