package dev.switchboard.ingress.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.GatewayError;
import dev.switchboard.ingress.RoutingHeaders;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.pipeline.Dispatch;
import dev.switchboard.pipeline.Exchange;
import dev.switchboard.pipeline.Settle;
import dev.switchboard.provider.EmbeddingReply;
import dev.switchboard.provider.UpstreamHeaders;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.provider.gemini.GeminiWire;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.Json;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code POST /v1beta/models/{model}:embedContent}: one embedding of the text parts of
 * {@code content} (joined by line breaks), {@code outputDimensionality} as the dimensions, through
 * the embeddings dispatch — natively to a Gemini provider (every field, {@code taskType} and
 * {@code title} included, passes through), else canonically, answered as
 * {@code {"embedding":{"values":[…]}}}.
 */
public final class EmbedContentHandler implements Handler<RoutingContext> {

    private final Dispatch dispatch;

    public EmbedContentHandler(Dispatch dispatch) {
        this.dispatch = dispatch;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Exchange ex = Exchange.of(ctx);
        String model = GeminiBodies.model(ctx);
        ObjectNode root = GeminiBodies.parse(ctx);
        EmbeddingRequest request = decode(root, model);
        dispatch.embed(ex, request, root, WireFormat.GEMINI, UpstreamHeaders.forwardable(ctx.request().headers()))
                .onSuccess(reply -> {
                    HttpServerResponse resp = ctx.response();
                    Buffer body = switch (reply) {
                        case EmbeddingReply.Native n -> {
                            RoutingHeaders.write(resp, ex, n.upstreamModel(), n.headers());
                            Settle.usage(ex, n.usage());
                            yield n.body();
                        }
                        case EmbeddingReply.Canonical c -> {
                            RoutingHeaders.write(resp, ex, ex.deployment().upstreamModel(), c.headers());
                            Settle.usage(ex, c.response().usage());
                            ObjectNode out = Json.object();
                            ArrayNode values = out.putObject("embedding").putArray("values");
                            for (float v : c.response().vectors().getFirst()) values.add(v);
                            yield Json.buffer(out);
                        }
                    };
                    resp.putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON).end(body);
                })
                .onFailure(ctx::fail);
    }

    static EmbeddingRequest decode(JsonNode root, String model) {
        JsonNode content = GeminiWire.field(root, "content");
        if (content == null) throw GatewayError.invalid("content", "Missing required parameter: 'content'.");
        if (!content.isObject()) throw GatewayError.invalid("content", "'content' must be a Content object.");
        StringBuilder text = new StringBuilder();
        List<JsonNode> parts = GeminiWire.items(GeminiWire.field(content, "parts"));
        for (int i = 0; i < parts.size(); i++) {
            JsonNode t = GeminiWire.field(parts.get(i), "text");
            if (t == null) continue;
            if (!t.isTextual()) throw GatewayError.invalid("content.parts[" + i + "].text", "'text' must be a string.");
            if (!text.isEmpty()) text.append('\n');
            text.append(t.textValue());
        }
        if (text.isEmpty()) throw GatewayError.invalid("content.parts", "'content.parts' must hold some text to embed.");
        Integer dims = null;
        JsonNode d = GeminiWire.field(root, "outputDimensionality");
        if (d != null) {
            if (!d.isIntegralNumber() || d.asLong() < 1 || d.asLong() > 65536) {
                throw GatewayError.invalid("outputDimensionality", "'outputDimensionality' must be a positive integer.");
            }
            dims = d.intValue();
        }
        return new EmbeddingRequest(model, List.of(text.toString()), dims, "float");
    }
}
