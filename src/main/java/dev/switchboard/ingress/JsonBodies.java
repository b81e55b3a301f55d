package dev.switchboard.ingress;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.transport.Json;
import dev.switchboard.transport.Utf8;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Optional;

/** Reading a client's request body, the same way for every inbound format. */
public final class JsonBodies {

    private JsonBodies() {}

    /**
     * The body as a JSON object; an empty body, malformed JSON and invalid UTF-8 are 400s (rendered
     * in the path's format), a compressed body or a form 415s that say so.
     */
    public static ObjectNode object(RoutingContext ctx) {
        Buffer b = ctx.body() == null ? null : ctx.body().buffer();
        if (b == null || b.length() == 0) {
            throw notJson(ctx).orElseGet(() -> GatewayError.invalid(null, "The request body is empty; send a JSON object."));
        }
        byte[] bytes = b.getBytes();
        JsonNode root = null;
        if (Utf8.validJsonText(bytes)) {
            try {
                root = Json.parseBody(bytes);
            } catch (StreamConstraintsException e) {
                throw GatewayError.invalid(null, "The request body is beyond what the JSON parser reads: nested deeper than "
                        + Json.MAX_NESTING + " levels, or a number of over 1000 digits.");
            } catch (IOException e) {
                // below
            }
        }
        if (root == null) {
            throw notJson(ctx).orElseGet(() -> GatewayError.invalid(null, "The request body is not valid JSON (it must be a UTF-8 JSON object)."));
        }
        if (!(root instanceof ObjectNode object)) throw GatewayError.invalid(null, "The request body must be a JSON object.");
        return object;
    }

    /** Where the body route keeps a form's content type, which it hides from the body handler. */
    public static final String FORM_TYPE = "switchboard.formContentType";

    /** Whether a content type is a form's ({@code multipart/…} or {@code application/x-www-form-urlencoded}), which Vert.x decodes as it arrives. */
    public static boolean isForm(String contentType) {
        return contentType != null && (contentType.regionMatches(true, 0, "multipart/", 0, 10)
                || contentType.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33));
    }

    /**
     * Why a body that could not be read is no JSON at all, when its headers say: it is compressed
     * (no content coding is taken) or a form. Asked only once reading failed, so a good request
     * pays nothing for it.
     */
    private static Optional<GatewayError> notJson(RoutingContext ctx) {
        String coding = ctx.request().getHeader(HttpHeaders.CONTENT_ENCODING);
        if (coding != null && !coding.isBlank() && !coding.trim().equalsIgnoreCase("identity")) {
            ctx.response().putHeader(HttpHeaders.ACCEPT_ENCODING, "identity");
            return Optional.of(GatewayError.of(ErrorKind.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Encoding '" + coding.trim() + "' is not accepted: send the body uncompressed."));
        }
        String type = ctx.get(FORM_TYPE, ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
        if (isForm(type)) {
            return Optional.of(GatewayError.of(ErrorKind.UNSUPPORTED_MEDIA_TYPE,
                    "This endpoint takes a JSON body (content-type: application/json), not " + type.split(";", 2)[0].trim() + "."));
        }
        return Optional.empty();
    }
}
