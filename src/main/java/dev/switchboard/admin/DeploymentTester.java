package dev.switchboard.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.ingress.openai.OpenAiChatDecoder;
import dev.switchboard.provider.Cancellation;
import dev.switchboard.provider.ChatCall;
import dev.switchboard.provider.ChatReply;
import dev.switchboard.provider.UpstreamException;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.routing.Deployment;
import dev.switchboard.transport.OutboundConnector;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;

/**
 * {@code POST /admin/deployments/{id}/test}: one tiny live chat call (a few output tokens) through
 * the same provider adapter and connector as real traffic, answered with its latency and, when it
 * failed, the failure class and the upstream status. Runs on the event loop of the admin request.
 */
final class DeploymentTester {

    private final Vertx vertx;
    private final OutboundConnector connector;

    DeploymentTester(Vertx vertx, OutboundConnector connector) {
        this.vertx = vertx;
        this.connector = connector;
    }

    Future<ObjectNode> test(Deployment d) {
        ObjectNode body = AdminHttp.STRICT.createObjectNode();
        body.put("model", d.upstreamModel());
        body.putArray("messages").addObject().put("role", "user").put("content", "Reply with OK.");
        body.put("max_tokens", 5);
        var request = OpenAiChatDecoder.decode(body);
        ChatCall call = new ChatCall(d, request, d.wireFormat() == WireFormat.OPENAI_CHAT ? body : null,
                MultiMap.caseInsensitiveMultiMap(), "admin-test-" + d.id(), false, new Cancellation(), connector, vertx);
        long start = System.nanoTime();
        return d.provider().chat(call).transform(ar -> {
            ObjectNode out = AdminHttp.STRICT.createObjectNode();
            out.put("id", d.id());
            out.put("ok", ar.succeeded());
            out.put("latencyMs", (System.nanoTime() - start) / 1_000_000);
            if (ar.succeeded()) {
                if (ar.result() instanceof ChatReply.NativeJson j && j.upstreamModel() != null) out.put("upstreamModel", j.upstreamModel());
            } else {
                ObjectNode error = out.putObject("error");
                if (ar.cause() instanceof UpstreamException u) {
                    error.put("class", u.failureClass().name().toLowerCase());
                    if (u.upstreamStatus() > 0) error.put("upstreamStatus", u.upstreamStatus());
                    error.put("message", u.error().getMessage());
                    // the provider's or the socket's own words, the operator's to read; never the deployment's secrets
                    error.put("detail", d.redact(u.getMessage()));
                } else {
                    error.put("class", "gateway");
                    error.put("message", String.valueOf(d.redact(ar.cause().getMessage())));
                }
            }
            return Future.succeededFuture(out);
        });
    }
}
