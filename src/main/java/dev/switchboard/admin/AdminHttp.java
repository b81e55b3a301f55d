package dev.switchboard.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.switchboard.config.IsoInstants;
import dev.switchboard.app.ConfigSync;
import dev.switchboard.config.ConfigException;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.http.QueryParams;
import dev.switchboard.secrets.SecretException;
import dev.switchboard.store.Page;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreTx;
import dev.switchboard.store.StoreConflictException;
import dev.switchboard.store.StoreException;
import dev.switchboard.transport.Bodies;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plumbing every admin resource shares: run the blocking store work on a virtual thread and
 * answer on the event loop; read a body strictly (a JSON object, known fields only, no type
 * coercion); JSON merge patch; pagination; the contract's envelopes ({@code {"data":…}} and
 * {@code {"data":[…],"pagination":…}}); and the mapping of failures to the contract's errors.
 */
final class AdminHttp {

    private static final Logger LOG = LoggerFactory.getLogger(AdminHttp.class);

    /** Binds admin bodies: unknown fields and "5"-for-5 coercions are errors, not guesses. */
    /**
     * Admin bodies are read strictly: unknown fields, text after the document and a field given
     * twice are refused, and no value changes type on the way in — not "5" for 5, nor 5 for "5",
     * nor 1.5 cut to 1.
     */
    static final ObjectMapper STRICT = strict();

    private static ObjectMapper strict() {
        JsonMapper m = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(IsoInstants.MODULE) // after JavaTimeModule: a date alone is an instant too
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
        for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
            m.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        return m;
    }

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final Executor blocking;
    private final Store store;
    private final ConfigSync sync;

    AdminHttp(Executor blocking, Store store, ConfigSync sync) {
        this.blocking = blocking;
        this.store = store;
        this.sync = sync;
    }

    /** A read transaction off the event loop, answered 200 with {@code answer} of its result. */
    <T> void read(RoutingContext ctx, Function<StoreTx, T> work, Function<T, JsonNode> answer) {
        run(ctx, 200, () -> answer.apply(store.read(work)));
    }

    /**
     * A write transaction off the event loop; once it commits, this instance's snapshot is rebuilt,
     * so the change is in force before the client hears of it. An instance that cannot build what
     * the store holds refuses the write beforehand (503); should it become unable in between (a
     * rotation just then), the write stands, is answered as made, and the poll logs the rest.
     */
    <T> void write(RoutingContext ctx, int status, Function<StoreTx, T> work, Function<T, JsonNode> answer) {
        run(ctx, status, () -> {
            try {
                sync.catchUp();
            } catch (SecretException e) {
                LOG.error("admin write refused: this instance cannot open a stored credential: {}", e.getMessage());
                throw GatewayError.of(ErrorKind.SERVICE_UNAVAILABLE, "This instance cannot open a stored credential ("
                        + e.getMessage() + "), so it could not put a change in force; make it through an instance whose "
                        + "ENCRYPTION_KEYS holds that key, or give this one the key.").withRetryAfter(5_000, true);
            }
            T result = store.write(work);
            try {
                sync.reload();
            } catch (SecretException e) {
                LOG.error("admin write saved, but this instance cannot load the config now: {}", e.getMessage());
            }
            return answer.apply(result);
        });
    }

    /** Runs {@code work} off the event loop; answers {@code status} with what it returns, or the error it throws. */
    void run(RoutingContext ctx, int status, Supplier<JsonNode> work) {
        run(ctx, status, work, Future::succeededFuture);
    }

    /**
     * Runs {@code work} off the event loop, then {@code then} on it (for work that needs the event
     * loop, such as an upstream call), and answers with the result.
     */
    <T> void run(RoutingContext ctx, int status, Supplier<T> work, Function<T, Future<JsonNode>> then) {
        Context context = Vertx.currentContext();
        blocking.execute(() -> {
            T value;
            try {
                value = work.get();
            } catch (Throwable t) {
                GatewayError e = toGatewayError(t);
                context.runOnContext(v -> ctx.fail(e));
                return;
            }
            context.runOnContext(v -> {
                Future<JsonNode> body;
                try {
                    body = then.apply(value);
                } catch (Throwable t) {
                    body = Future.failedFuture(t);
                }
                body.onComplete(ar -> {
                    if (ctx.response().closed()) return;
                    if (ar.failed()) {
                        ctx.fail(toGatewayError(ar.cause()));
                        return;
                    }
                    Bodies.end(ctx.request(), ctx.response().setStatusCode(status).putHeader("content-type", "application/json"), ar.result().toString());
                });
            });
        });
    }

    static GatewayError toGatewayError(Throwable t) {
        return switch (t) {
            case GatewayError g -> g;
            case ConfigException c -> c.path() == null ? GatewayError.invalid(null, c.getMessage())
                    // the message names the field, as param does: 'weight' must not be negative
                    : GatewayError.invalid(param(c.path()), "'" + param(c.path()) + "' " + c.getMessage().substring(c.path().length() + 2));
            case StoreConflictException c -> GatewayError.of(ErrorKind.CONFLICT, "The write conflicts with what is stored (a name already taken, or an entry still in use).");
            case StoreException s when s.unavailable() -> GatewayError.of(ErrorKind.SERVICE_UNAVAILABLE, "The store is unreachable; try again shortly.")
                    .withRetryAfter(5_000, false);
            case SecretException s -> {
                LOG.error("admin request failed on a sealed credential: {}", s.getMessage());
                yield GatewayError.of(ErrorKind.INTERNAL, "A stored credential cannot be opened with ENCRYPTION_KEYS.");
            }
            default -> {
                LOG.error("admin request failed", t);
                yield GatewayError.of(ErrorKind.INTERNAL, "The admin request failed.");
            }
        };
    }

    /** The validator's path ({@code .weight}, {@code [0].name}) as the contract's {@code param}. */
    private static String param(String path) {
        if (path == null) return null;
        return path.startsWith(".") ? path.substring(1) : path;
    }

    // ------------------------------------------------------------------ bodies

    /** The request body as a JSON object, or a 400. */
    /**
     * The body, less the fields the server itself writes in its answers ({@code readOnly}): what
     * a GET answered can be sent back with PUT or PATCH as it is. They are set by the server
     * whatever a body says, so dropping them loses nothing.
     */
    static ObjectNode object(RoutingContext ctx, List<String> readOnly) {
        ObjectNode body = object(ctx);
        body.remove(readOnly);
        return body;
    }

    static ObjectNode object(RoutingContext ctx) {
        var body = ctx.body().buffer();
        if (body == null || body.length() == 0) throw GatewayError.invalid(null, "The request body must be a JSON object.");
        JsonNode node;
        try {
            node = STRICT.readTree(body.getBytes());
        } catch (java.io.IOException e) {
            throw GatewayError.invalid(null, "The request body is not valid JSON.");
        }
        if (node == null || !node.isObject()) throw GatewayError.invalid(null, "The request body must be a JSON object.");
        return (ObjectNode) node;
    }

    /** Binds {@code node} to {@code type}, refusing fields outside {@code allowed}; a problem names the field. */
    static <T> T bind(JsonNode node, Class<T> type, List<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) throw GatewayError.invalid(f, "Unknown field '" + f + "'.");
        }
        try {
            return STRICT.treeToValue(node, type);
        } catch (UnrecognizedPropertyException e) {
            String at = path(e);
            throw GatewayError.invalid(at, "Unknown field '" + at + "'.");
        } catch (JsonMappingException e) {
            String at = path(e);
            throw GatewayError.invalid(at.isEmpty() ? null : at, "Field '" + at + "' has the wrong type or format.");
        } catch (JsonProcessingException e) {
            throw GatewayError.invalid(null, "The request body could not be read.");
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!out.isEmpty()) out.append('.');
                out.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                out.append('[').append(r.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    /** RFC 7386: {@code null} removes, objects merge, anything else replaces. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) return patch;
        ObjectNode out = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : STRICT.createObjectNode();
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            if (e.getValue().isNull()) out.remove(e.getKey());
            else out.set(e.getKey(), mergePatch(out.get(e.getKey()), e.getValue()));
        }
        return out;
    }

    /** A string field of a body that must be present and short enough to be a name. */
    static void name(String field, String value) {
        if (value == null || value.isBlank()) throw GatewayError.invalid(field, "'" + field + "' is required.");
        if (value.length() > 256) throw GatewayError.invalid(field, "'" + field + "' must be at most 256 characters.");
    }

    // ------------------------------------------------------------------ answers

    static ObjectNode data(JsonNode value) {
        ObjectNode out = STRICT.createObjectNode();
        out.set("data", value);
        return out;
    }

    static ObjectNode list(Page<? extends JsonNode> page) {
        ObjectNode out = STRICT.createObjectNode();
        ArrayNode items = out.putArray("data");
        page.items().forEach(items::add);
        ObjectNode p = out.putObject("pagination");
        p.put("limit", page.limit());
        p.put("offset", page.offset());
        p.put("total", page.total());
        return out;
    }

    static ObjectNode deleted(String id) {
        ObjectNode d = STRICT.createObjectNode();
        d.put("id", id);
        d.put("deleted", true);
        return data(d);
    }

    record Paging(int limit, int offset) {}

    static Paging paging(RoutingContext ctx) {
        return new Paging(QueryParams.bounded(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
                QueryParams.bounded(ctx, "offset", 0, 0, Integer.MAX_VALUE));
    }

    static GatewayError notFound(String what, String id) {
        return GatewayError.of(ErrorKind.NOT_FOUND, "No " + what + " with id '" + id + "'.");
    }

    static GatewayError readOnly(String what) {
        return GatewayError.of(ErrorKind.READ_ONLY_ENTRY, "This " + what + " comes from the config file (SWITCHBOARD_CONFIG); change it there.");
    }
}
