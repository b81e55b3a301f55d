package dev.switchboard.pipeline;

import dev.switchboard.transport.Headers;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * First handler of every route: the request id (an inbound {@code x-request-id} of at most 128
 * characters of {@code [A-Za-z0-9._-]} is kept, else one is made; to Anthropic's SDKs it is also
 * sent as {@code request-id}, where they look), the start of the gateway's own
 * clock, and {@code x-switchboard-overhead-ms} written as the head goes out.
 */
public final class RequestStart implements Handler<RoutingContext> {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final CharSequence REQUEST_ID = io.vertx.core.http.HttpHeaders.createOptimized("request-id");

    private final Accounting accounting;
    private final Drain drain;

    public RequestStart() {
        this(Accounting.none(), new Drain());
    }

    public RequestStart(Accounting accounting, Drain drain) {
        this.accounting = accounting;
        this.drain = drain;
    }

    @Override
    public void handle(RoutingContext ctx) {
        long start = System.nanoTime();
        String id = ctx.request().getHeader(Headers.X_REQUEST_ID);
        if (!valid(id)) id = newId();
        Exchange ex = new Exchange(id, start, "1".equals(ctx.request().getHeader(Headers.X_SWITCHBOARD_TRACE)));
        ex.drain(drain);
        ex.accounting(accounting, accounting.clock().millis(), utf8(ctx.request().getHeader(Headers.X_SWITCHBOARD_TAGS)));
        Exchange.attach(ctx, ex);
        ctx.response().putHeader(Headers.X_REQUEST_ID, id);
        // Anthropic's SDKs read the id from request-id (message._request_id, APIError.requestID)
        if (anthropic(ctx.request())) ctx.response().putHeader(REQUEST_ID, id);
        ctx.addHeadersEndHandler(v -> ctx.response().putHeader(Headers.OVERHEAD_MS, millis(ex.overheadNanos())));
        // Runs once, when the answer ended or the connection closed (or failed) before it did. A
        // client gone cancels whatever upstream work the request started (a committed stream
        // settles what it carried). The router runs these from the response's end, close and
        // exception handlers, so nothing else may take those over, or this never runs and the
        // request's reservations (a concurrency slot, tokens, budget) are never given back.
        ctx.addEndHandler(ar -> {
            if (ar.failed()) {
                ex.cancellation().cancel();
                Settle.failed(ex, 499); // a request that already made attempts is recorded as the client's leaving
            }
            ex.finish();
            drain.ended();
        });
        if (drain.admit(ctx)) ctx.next();
    }

    /** A call of Anthropic's API: its Messages paths, or the models list as Anthropic's SDKs call it. */
    private static boolean anthropic(HttpServerRequest request) {
        String path = request.path();
        return path.startsWith("/v1/messages") || path.startsWith("/v1/models") && request.headers().contains("anthropic-version");
    }

    /** A header value as the UTF-8 the client sent: HTTP/1.1 headers arrive as Latin-1 characters, one per byte. */
    static String utf8(String header) {
        if (header == null) return null;
        for (int i = 0; i < header.length(); i++) {
            if (header.charAt(i) > 0x7f) return new String(header.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        }
        return header;
    }

    static boolean valid(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) return false;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
            if (!ok) return false;
        }
        return true;
    }

    static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] out = new char[4 + 24];
        "req_".getChars(0, 4, out, 0);
        long a = r.nextLong();
        long b = r.nextLong();
        for (int i = 0; i < 12; i++) {
            out[4 + i] = HEX[(int) (a >>> (i * 4)) & 0xf];
            out[16 + i] = HEX[(int) (b >>> (i * 4)) & 0xf];
        }
        return new String(out);
    }

    /** Nanoseconds as milliseconds with three decimals ({@code 0.084}), without String.format. */
    public static String millis(long nanos) {
        long micros = nanos / 1000;
        long frac = micros % 1000;
        StringBuilder sb = new StringBuilder(12).append(micros / 1000).append('.');
        if (frac < 100) sb.append('0');
        if (frac < 10) sb.append('0');
        return sb.append(frac).toString();
    }
}
