package dev.switchboard.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.model.Usage;

/**
 * Anthropic's usage object in canonical terms. Anthropic reports {@code input_tokens} without
 * the cached part: the prompt read from the cache ({@code cache_read_input_tokens}) and the
 * prompt written to it ({@code cache_creation_input_tokens}) come beside it. The canonical
 * {@link Usage} counts them inside {@code inputTokens}, as OpenAI does:
 *
 * <pre>
 * inputTokens       = input_tokens + cache_read_input_tokens + cache_creation_input_tokens
 * cachedInputTokens = cache_read_input_tokens
 * cacheWriteTokens  = cache_creation_input_tokens
 * outputTokens      = output_tokens (thinking included; Anthropic gives no separate count)
 * </pre>
 *
 * <p>On a stream, {@code message_start} carries the input side (and a provisional output count)
 * and each {@code message_delta} the cumulative output count — and, in newer API versions, the
 * input side again. {@link Stream} keeps the latest value of each field. An Anthropic-format
 * ingress relaying a native stream can use it to settle usage.
 */
public final class AnthropicUsage {

    private AnthropicUsage() {}

    /** The usage of a complete message, or null when {@code u} is not an object. */
    public static Usage of(JsonNode u) {
        if (u == null || !u.isObject()) return null;
        Stream s = new Stream();
        s.add(u);
        return s.usage();
    }

    /** Usage collected over the events of one stream. Not thread-safe: one per stream. */
    public static final class Stream {
        private long input;
        private long output;
        private long cacheRead;
        private long cacheWrite;
        private boolean seen;

        /** Reads the usage carried by a native stream event ({@code message_start} or {@code message_delta}), if any. */
        public void event(JsonNode event) {
            String type = event.path("type").asText();
            if (type.equals("message_start")) add(event.path("message").get("usage"));
            else if (type.equals("message_delta")) add(event.get("usage"));
        }

        /** Takes every field {@code u} carries; fields it omits (or sends as null) keep their value. */
        public void add(JsonNode u) {
            if (u == null || !u.isObject()) return;
            seen = true;
            input = field(u, "input_tokens", input);
            output = field(u, "output_tokens", output);
            cacheRead = field(u, "cache_read_input_tokens", cacheRead);
            cacheWrite = field(u, "cache_creation_input_tokens", cacheWrite);
        }

        /** The usage so far, or null when no usage was seen. */
        public Usage usage() {
            if (!seen) return null;
            return new Usage(input + cacheRead + cacheWrite, output, cacheRead, cacheWrite, 0, false);
        }

        private static long field(JsonNode u, String name, long current) {
            JsonNode v = u.get(name);
            return v != null && v.isNumber() ? v.asLong() : current;
        }
    }
}
