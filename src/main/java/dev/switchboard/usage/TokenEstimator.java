package dev.switchboard.usage;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.Message;
import dev.switchboard.model.Tool;
import dev.switchboard.transport.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.ToLongFunction;

/**
 * The gateway's own token count of a chat request's input, for when it must count without a
 * provider: {@code count_tokens}, the input a limit or budget reserves at admission, and usage a
 * provider leaves out. Text is counted with the {@code cl100k_base} encoding; no provider
 * publishes its tokenizer, so the result is an estimate, as Anthropic calls its own count. The
 * formula:
 * <pre>
 *   input = 3
 *         + Σ messages (3 + Σ parts)
 *         + Σ tools (8 + tokens(name) + tokens(description) + tokens(compact JSON of the schema))
 *   part: text, reasoning text → tokens(text); tool call → tokens(name) + tokens(arguments);
 *         tool result → Σ its parts; image, audio, file → 1,600 each (Anthropic's figure for an
 *         image of about 1.15 megapixels; media are not decoded to measure them)
 * </pre>
 * The system prompt counts as a message. The 3 per message and the 3 that prime the answer
 * follow OpenAI's published counting for its chat format.
 *
 * <p>The encoding is loaded on first use (about a second, and some 15 MB of heap), and counting
 * costs about 30 µs a thousand characters on the benchmark machine: {@link #count} counts on the
 * calling event loop only what is quick, and everything else on a worker thread. Thread-safe.
 */
public final class TokenEstimator {

    static final int PER_MESSAGE = 3;
    static final int PRIMING = 3;
    static final int PER_TOOL = 8;
    static final int PER_MEDIA = 1_600;

    private TokenEstimator() {}

    /** The most characters (of text, tool names and descriptions) counted on an event loop: some 60 µs. */
    static final int INLINE_CHARS = 2_048;
    /** What a tool's parameter schema is taken to weigh, in characters, for {@link #quick}. */
    static final int SCHEMA_CHARS = 512;

    private static volatile boolean loaded;

    private static final class Holder {
        static final Encoding CL100K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

        static {
            loaded = true;
        }
    }

    /**
     * The input tokens of {@code request}, counted on the calling thread when that is quick (the
     * encoding is loaded and the request holds at most {@link #INLINE_CHARS} characters to count),
     * else on a worker thread: a long prompt must not hold an event loop for milliseconds.
     */
    public static Future<Long> count(Vertx vertx, ChatRequest request) {
        return count(vertx, request, TokenEstimator::inputTokens);
    }

    static Future<Long> count(Vertx vertx, ChatRequest request, ToLongFunction<ChatRequest> counter) {
        if (quick(request)) return Future.succeededFuture(counter.applyAsLong(request));
        return vertx.executeBlocking(() -> counter.applyAsLong(request), false);
    }

    /**
     * The input tokens of an embeddings request: its texts counted, or, for token ids, the ids
     * themselves; on the calling thread when quick, as {@link #count(Vertx, ChatRequest)}.
     */
    public static Future<Long> count(Vertx vertx, EmbeddingRequest request) {
        long chars = 0;
        for (String s : request.inputs()) chars += s.length();
        if (request.tokenInput() || loaded && chars <= INLINE_CHARS) return Future.succeededFuture(inputTokens(request));
        return vertx.executeBlocking(() -> inputTokens(request), false);
    }

    static long inputTokens(EmbeddingRequest request) {
        long n = 0;
        for (String s : request.inputs()) {
            // token ids are kept joined by spaces: each is one token
            n += request.tokenInput() ? (s.isBlank() ? 0 : s.strip().split(" +").length) : tokens(s);
        }
        return n;
    }

    /** Whether counting {@code request} takes no more than some tens of microseconds. */
    static boolean quick(ChatRequest request) {
        if (!loaded) return false;
        long chars = 0;
        for (Message m : request.messages()) {
            for (ContentPart p : m.content()) chars += measure(p, TokenEstimator::length, 0);
        }
        for (Tool t : request.tools()) {
            chars += length(t.name()) + length(t.description()) + (t.parameters() != null ? SCHEMA_CHARS : 0);
        }
        return chars <= INLINE_CHARS;
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    /** Tokens of plain text under {@code cl100k_base}; special-token text counts as ordinary text. */
    public static int tokens(String text) {
        if (text == null || text.isEmpty()) return 0;
        return Holder.CL100K.countTokensOrdinary(text);
    }

    public static long inputTokens(ChatRequest request) {
        long n = PRIMING;
        for (Message m : request.messages()) {
            n += PER_MESSAGE;
            for (ContentPart p : m.content()) n += measure(p, TokenEstimator::tokens, PER_MEDIA);
        }
        for (Tool t : request.tools()) {
            n += PER_TOOL + tokens(t.name()) + tokens(t.description());
            if (t.parameters() != null) n += tokens(Json.text(t.parameters()));
        }
        return n;
    }

    /**
     * The tokens of an answer's choices (text, reasoning, tool calls) at about four characters a
     * token, as a stream's output is estimated: no tokenizer on the event loop for a long answer.
     */
    public static long outputTokens(ChatResponse response) {
        long chars = 0;
        for (ChatResponse.Choice c : response.choices()) {
            if (c.message() == null) continue;
            for (ContentPart p : c.message().content()) chars += measure(p, TokenEstimator::length, 0);
        }
        return (chars + 3) / 4;
    }

    /** A part's weight: {@code text} of each text it holds, {@code media} for an image, audio or file. */
    private static long measure(ContentPart p, ToLongFunction<String> text, long media) {
        return switch (p) {
            case ContentPart.Text t -> text.applyAsLong(t.text());
            case ContentPart.Reasoning r -> text.applyAsLong(r.text());
            case ContentPart.ToolCall c -> text.applyAsLong(c.name()) + text.applyAsLong(c.arguments());
            case ContentPart.ToolResult r -> {
                long n = 0;
                for (ContentPart inner : r.content()) n += measure(inner, text, media);
                yield n;
            }
            case ContentPart.Image i -> media;
            case ContentPart.Audio a -> media;
            case ContentPart.File f -> media;
        };
    }
}
