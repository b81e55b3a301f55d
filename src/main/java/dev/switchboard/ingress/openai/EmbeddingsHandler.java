package dev.switchboard.ingress.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.GatewayError;
import dev.switchboard.ingress.JsonFields;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.EmbeddingResponse;
import dev.switchboard.pipeline.Answer;
import dev.switchboard.pipeline.Dispatch;
import dev.switchboard.pipeline.Exchange;
import dev.switchboard.pipeline.Settle;
import dev.switchboard.provider.EmbeddingReply;
import dev.switchboard.provider.UpstreamHeaders;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.transport.Headers;
import dev.switchboard.transport.Json;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** {@code POST /v1/embeddings}: OpenAI's embeddings request, natively or through the canonical form. */
public final class EmbeddingsHandler implements Handler<RoutingContext> {

    private final Dispatch dispatch;

    public EmbeddingsHandler(Dispatch dispatch) {
        this.dispatch = dispatch;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Exchange ex = Exchange.of(ctx);
        JsonNode root = OpenAiBodies.parse(ctx);
        EmbeddingRequest request = decode(root);
        dispatch.embed(ex, request, (ObjectNode) root, WireFormat.OPENAI_CHAT, UpstreamHeaders.forwardable(ctx.request().headers()))
                .onComplete(Answer.then(ctx, reply -> {
                    HttpServerResponse resp = ctx.response();
                    io.vertx.core.buffer.Buffer body = switch (reply) {
                        case EmbeddingReply.Native n -> {
                            OpenAiBodies.routingHeaders(resp, ex, n.upstreamModel(), n.headers());
                            Settle.usage(ex, n.usage());
                            yield n.body();
                        }
                        case EmbeddingReply.Canonical c -> {
                            OpenAiBodies.routingHeaders(resp, ex, ex.deployment().upstreamModel(), c.headers());
                            Settle.usage(ex, c.response().usage());
                            yield Json.buffer(encode(c.response(), request));
                        }
                    };
                    resp.putHeader(Headers.CONTENT_TYPE, Headers.APPLICATION_JSON).end(body);
                }));
    }

    /** The most inputs one request may hold, as OpenAI takes them. */
    static final int MAX_INPUTS = 2048;

    public static EmbeddingRequest decode(JsonNode root) {
        String model = OpenAiChatDecoder.requiredString(root, "model");
        JsonNode input = root.get("input");
        if (input == null || input.isNull()) throw GatewayError.invalid("input", "Missing required parameter: 'input'.");
        List<String> inputs = new ArrayList<>();
        boolean tokens = false;
        if (input.isTextual()) {
            inputs.add(input.textValue());
        } else if (input.isArray() && !input.isEmpty()) {
            tokens = input.get(0).isIntegralNumber();
            if (tokens) {
                inputs.add(tokenText(input, "input"));
            } else {
                // OpenAI's limit; and one kind throughout: all strings, or all token arrays
                if (input.size() > MAX_INPUTS) throw GatewayError.invalid("input", "'input' may hold at most " + MAX_INPUTS + " inputs.");
                tokens = input.get(0).isArray();
                for (int i = 0; i < input.size(); i++) {
                    JsonNode e = input.get(i);
                    if (!tokens && e.isTextual()) {
                        inputs.add(e.textValue());
                    } else if (tokens && e.isArray() && !e.isEmpty()) {
                        inputs.add(tokenText(e, "input[" + i + "]"));
                    } else {
                        throw GatewayError.invalid("input[" + i + "]", "'input' must be all strings or all arrays of tokens.");
                    }
                }
            }
        } else {
            throw GatewayError.invalid("input", "'input' must be a string, an array of strings or an array of tokens.");
        }
        for (String s : inputs) {
            if (s.isEmpty()) throw GatewayError.invalid("input", "'input' must not contain empty strings.");
        }
        Integer dims = null;
        JsonNode d = root.get("dimensions");
        if (d != null && !d.isNull()) {
            if (!d.isIntegralNumber() || d.asLong() < 1 || d.asLong() > 65536) {
                throw GatewayError.invalid("dimensions", "'dimensions' must be a whole number from 1 to 65536.");
            }
            dims = d.intValue();
        }
        JsonFields.optionalString(root, "user", "user");
        String format = Json.str(root, "encoding_format");
        JsonNode f = root.get("encoding_format");
        if (f != null && !f.isNull() && (format == null || !(format.equals("float") || format.equals("base64")))) {
            throw GatewayError.invalid("encoding_format", "'encoding_format' must be float or base64.");
        }
        return new EmbeddingRequest(model, inputs, dims, format == null ? "float" : format, tokens);
    }

    private static String tokenText(JsonNode tokens, String at) {
        StringBuilder out = new StringBuilder();
        for (JsonNode t : tokens) {
            if (!t.isIntegralNumber() || !t.canConvertToInt() || t.intValue() < 0) {
                throw GatewayError.invalid(at, "Token arrays must hold token ids: whole numbers from 0.");
            }
            if (!out.isEmpty()) out.append(' ');
            out.append(t.asLong());
        }
        return out.toString();
    }

    public static ObjectNode encode(EmbeddingResponse r, EmbeddingRequest request) {
        ObjectNode out = Json.object();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        boolean base64 = "base64".equals(request.encodingFormat());
        for (int i = 0; i < r.vectors().size(); i++) {
            float[] v = r.vectors().get(i);
            ObjectNode e = data.addObject();
            e.put("object", "embedding");
            e.put("index", i);
            if (base64) {
                ByteBuffer bytes = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float x : v) bytes.putFloat(x);
                e.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                ArrayNode vec = e.putArray("embedding");
                for (float x : v) vec.add(x);
            }
        }
        out.put("model", request.model());
        ObjectNode usage = out.putObject("usage");
        usage.put("prompt_tokens", r.usage().inputTokens());
        usage.put("total_tokens", r.usage().totalTokens());
        return out;
    }
}
