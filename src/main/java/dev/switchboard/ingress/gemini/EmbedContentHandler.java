package dev.switchboard.ingress.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.GatewayError;
import dev.switchboard.ingress.RoutingHeaders;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.pipeline.Answer;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code POST /v1beta/models/{model}:embedContent}: one embedding of the text parts of
 * {@code content} (joined by line breaks), {@code outputDimensionality} as the dimensions, through
 * the embeddings dispatch — natively to a Gemini provider (every field, {@code taskType} and
 * {@code title} included, passes through), else canonically, answered as
 * {@code {"embedding":{"values":[…]}}}.
 *
 * <p>{@code POST /v1beta/models/{model}:batchEmbedContents} (what Google's SDKs call for every
 * embedding): {@code {"requests":[{"model","content",…}, …]}}, one embedding per request in the
 * same order, answered as {@code {"embeddings":[{"values":[…]}, …]}}. The model is the path's;
 * the requests' own {@code model} fields are rewritten to the upstream's on the native path.
 */
public final class EmbedContentHandler implements Handler<RoutingContext> {

    private final Dispatch dispatch;

    public EmbedContentHandler(Dispatch dispatch) {
        this.dispatch = dispatch;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String model = GeminiBodies.model(ctx);
        ObjectNode root = GeminiBodies.parse(ctx);
        embed(ctx, root, decode(root, model), false);
    }

    /** {@code :batchEmbedContents}. */
    public void batch(RoutingContext ctx) {
        String model = GeminiBodies.model(ctx);
        ObjectNode root = GeminiBodies.parse(ctx);
        embed(ctx, root, decodeBatch(root, model), true);
    }

    private void embed(RoutingContext ctx, ObjectNode root, EmbeddingRequest request, boolean batch) {
        Exchange ex = Exchange.of(ctx);
        dispatch.embed(ex, request, root, WireFormat.GEMINI, UpstreamHeaders.forwardable(ctx.request().headers()))
                .onComplete(Answer.then(ctx, reply -> {
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
                            if (batch) {
                                ArrayNode list = out.putArray("embeddings");
                                for (float[] vector : c.response().vectors()) values(list.addObject(), vector);
                            } else {
                                values(out.putObject("embedding"), c.response().vectors().getFirst());
                            }
                            yield Json.buffer(out);
                        }
                    };
                    resp.putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON).end(body);
                }));
    }

    private static void values(ObjectNode embedding, float[] vector) {
        ArrayNode values = embedding.putArray("values");
        for (float v : vector) values.add(v);
    }

    static EmbeddingRequest decode(JsonNode root, String model) {
        return new EmbeddingRequest(model, List.of(text(root, "")), dimensions(root, ""), "float");
    }

    /** Every request's text, in order; they must agree on {@code outputDimensionality} (one upstream call serves them all). */
    static EmbeddingRequest decodeBatch(JsonNode root, String model) {
        JsonNode requests = GeminiWire.field(root, "requests");
        if (requests == null) throw GatewayError.invalid("requests", "Missing required parameter: 'requests'.");
        if (!requests.isArray() || requests.isEmpty()) throw GatewayError.invalid("requests", "'requests' must be a non-empty array.");
        List<String> texts = new ArrayList<>(requests.size());
        Integer dims = null;
        for (int i = 0; i < requests.size(); i++) {
            String at = "requests[" + i + "].";
            JsonNode r = requests.get(i);
            if (!r.isObject()) throw GatewayError.invalid("requests[" + i + "]", "Each of 'requests' must be an EmbedContentRequest object.");
            texts.add(text(r, at));
            Integer d = dimensions(r, at);
            if (i > 0 && !Objects.equals(d, dims)) {
                throw GatewayError.invalid(at + "outputDimensionality", "Every request of a batch must ask for the same 'outputDimensionality'.");
            }
            dims = d;
        }
        return new EmbeddingRequest(model, texts, dims, "float");
    }

    /** The text parts of {@code content}, joined by line breaks; {@code at} prefixes the field names of errors. */
    private static String text(JsonNode request, String at) {
        JsonNode content = GeminiWire.field(request, "content");
        if (content == null) throw GatewayError.invalid(at + "content", "Missing required parameter: '" + at + "content'.");
        if (!content.isObject()) throw GatewayError.invalid(at + "content", "'" + at + "content' must be a Content object.");
        StringBuilder text = new StringBuilder();
        List<JsonNode> parts = GeminiWire.items(GeminiWire.field(content, "parts"));
        for (int i = 0; i < parts.size(); i++) {
            JsonNode t = GeminiWire.field(parts.get(i), "text");
            if (t == null) continue;
            if (!t.isTextual()) throw GatewayError.invalid(at + "content.parts[" + i + "].text", "'text' must be a string.");
            if (!text.isEmpty()) text.append('\n');
            text.append(t.textValue());
        }
        if (text.isEmpty()) throw GatewayError.invalid(at + "content.parts", "'" + at + "content.parts' must hold some text to embed.");
        return text.toString();
    }

    private static Integer dimensions(JsonNode request, String at) {
        JsonNode d = GeminiWire.field(request, "outputDimensionality");
        if (d == null) return null;
        if (!d.isIntegralNumber() || d.asLong() < 1 || d.asLong() > 65536) {
            throw GatewayError.invalid(at + "outputDimensionality", "'outputDimensionality' must be a positive integer.");
        }
        return d.intValue();
    }
}
