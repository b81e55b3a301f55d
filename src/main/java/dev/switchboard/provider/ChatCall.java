package dev.switchboard.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.routing.Deployment;
import dev.switchboard.transport.OutboundConnector;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;

/**
 * One chat attempt at one deployment.
 *
 * @param request        the canonical request (always present)
 * @param nativeBody     the client's body when its wire format equals the provider's: then the
 *                       provider forwards it with only the managed fields rewritten; else null
 * @param clientHeaders  the client's headers that may be forwarded (already filtered)
 * @param cancellation   where the attempt registers how to abandon its upstream call
 * @param rejectUnsupported the parameter policy: refuse (true) or drop (false) what the provider can't take
 */
public record ChatCall(
        Deployment deployment,
        ChatRequest request,
        ObjectNode nativeBody,
        MultiMap clientHeaders,
        String requestId,
        boolean rejectUnsupported,
        Cancellation cancellation,
        OutboundConnector connector,
        Vertx vertx) {}
