package dev.switchboard.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.routing.Deployment;
import dev.switchboard.transport.OutboundConnector;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;

/** One embeddings attempt; {@code nativeBody} as in {@link ChatCall}. */
public record EmbeddingCall(
        Deployment deployment,
        EmbeddingRequest request,
        ObjectNode nativeBody,
        MultiMap clientHeaders,
        String requestId,
        Cancellation cancellation,
        OutboundConnector connector,
        Vertx vertx) {}
