package dev.switchboard.transport;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * An incremental parser for server-sent events. Feed it buffers as they arrive from the socket, in
 * any split; it calls the listener once per complete event. Comment lines ({@code : ping}) and
 * {@code id}/{@code retry} fields are skipped. Not thread-safe: one parser per upstream response,
 * used on its event loop.
 */
public final class SseParser {

    /** Receives one event: its {@code event:} name (null when absent) and its joined {@code data:} lines. */
    @FunctionalInterface
    public interface Listener {
        void onEvent(String event, String data);
    }

    private final Listener listener;
    private byte[] pending = new byte[0];
    private String event;
    private StringBuilder data;

    public SseParser(Listener listener) {
        this.listener = listener;
    }

    public void feed(Buffer buffer) {
        byte[] bytes = buffer.getBytes();
        byte[] all;
        if (pending.length == 0) {
            all = bytes;
        } else {
            all = new byte[pending.length + bytes.length];
            System.arraycopy(pending, 0, all, 0, pending.length);
            System.arraycopy(bytes, 0, all, pending.length, bytes.length);
        }
        int lineStart = 0;
        for (int i = 0; i < all.length; i++) {
            byte b = all[i];
            if (b == '\n' || b == '\r') {
                if (b == '\r' && i + 1 == all.length) break; // a CR at the end may be half of CRLF: wait
                line(all, lineStart, i);
                if (b == '\r' && all[i + 1] == '\n') i++;
                lineStart = i + 1;
            }
        }
        pending = lineStart == all.length ? new byte[0] : java.util.Arrays.copyOfRange(all, lineStart, all.length);
    }

    /** The upstream ended: an event without its closing blank line is still delivered. */
    public void end() {
        int n = pending.length;
        if (n > 0 && pending[n - 1] == '\r') n--; // no LF can follow any more: the CR ended its line
        if (n > 0) line(pending, 0, n);
        pending = new byte[0];
        dispatch();
    }

    private void line(byte[] buf, int from, int to) {
        if (from == to) {
            dispatch();
            return;
        }
        if (buf[from] == ':') return;
        int colon = -1;
        for (int i = from; i < to; i++) {
            if (buf[i] == ':') {
                colon = i;
                break;
            }
        }
        String field = new String(buf, from, (colon < 0 ? to : colon) - from, StandardCharsets.US_ASCII);
        String value = "";
        if (colon >= 0) {
            int v = colon + 1;
            if (v < to && buf[v] == ' ') v++;
            value = new String(buf, v, to - v, StandardCharsets.UTF_8);
        }
        switch (field) {
            case "data" -> {
                if (data == null) data = new StringBuilder(value);
                else data.append('\n').append(value);
            }
            case "event" -> event = value;
            default -> { }
        }
    }

    private void dispatch() {
        if (data != null) {
            String e = event;
            String d = data.toString();
            event = null;
            data = null;
            listener.onEvent(e, d);
        } else {
            event = null;
        }
    }
}
