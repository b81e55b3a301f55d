package dev.switchboard.provider.simulator;

import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ChatResponse;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.EmbeddingResponse;
import dev.switchboard.model.FinishReason;
import dev.switchboard.model.Message;
import dev.switchboard.model.ResponseFormat;
import dev.switchboard.model.Role;
import dev.switchboard.model.StreamEvent;
import dev.switchboard.model.Tool;
import dev.switchboard.model.ToolChoice;
import dev.switchboard.model.Usage;
import dev.switchboard.transport.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulator's brain: a pure, deterministic function from a canonical request to a canonical
 * answer, shared by the in-process provider and the standalone server. The rules (also in
 * docs/providers.md, so tests can assert exact numbers):
 * <ul>
 *   <li>It echoes the last message's text (minus any {@code [sim …]} directive).</li>
 *   <li>With tools, {@code tool_choice} not none, and the last message from the user (or the
 *       choice {@code required}/named), it calls a tool instead: the named one, else the first
 *       one — every tool when {@code parallel_tool_calls} is explicitly true — with arguments
 *       sampled from the tool's schema by {@link SchemaSampler}.</li>
 *   <li>With {@code response_format} json_schema it answers a sample of the schema; with
 *       json_object it answers {@code {"echo": text}}.</li>
 *   <li>Text is streamed one word per chunk (a word with the whitespace before it); JSON answers
 *       and tool arguments in pieces of 16 characters.</li>
 *   <li>A text answer ends before the earliest of the {@code stop} sequences found in it (finish
 *       reason stop).</li>
 *   <li>{@code words(s)} counts maximal runs of non-whitespace.
 *       {@code prompt_tokens = 3 + Σ messages (3 + words(text) + Σ tool calls (words(name) + words(arguments)))
 *       + Σ tools (8 + words(name) + words(description))}.
 *       {@code completion_tokens} per choice = its number of content chunks, plus 1 per tool call;
 *       with {@code max_tokens} below a text answer's word count, it is cut there with finish
 *       reason length (JSON answers and tool calls are never cut, so they stay valid).
 *       {@code n} choices repeat the answer and multiply completion tokens.</li>
 * </ul>
 */
public final class SimulatorEngine {

    static final int PIECE = 16;
    /** A word with the whitespace before it; whitespace as {@link #words} counts it ({@link Character#isWhitespace}). */
    private static final Pattern WORD = Pattern.compile("\\p{javaWhitespace}*\\P{javaWhitespace}+");

    private final Clock clock;

    public SimulatorEngine(Clock clock) {
        this.clock = clock;
    }

    /** The answer as stream events: Start, the choices' deltas and finishes, UsageReport. */
    public List<StreamEvent> events(ChatRequest request) {
        Answer a = answer(request);
        List<StreamEvent> out = new ArrayList<>();
        out.add(new StreamEvent.Start(a.id, request.model(), a.created));
        for (int c = 0; c < a.choices; c++) {
            if (a.calls.isEmpty()) {
                for (String piece : a.pieces) out.add(new StreamEvent.TextDelta(c, piece));
            } else {
                for (int i = 0; i < a.calls.size(); i++) {
                    ContentPart.ToolCall call = a.calls.get(i);
                    out.add(new StreamEvent.ToolCallStart(c, i, call.id(), call.name()));
                    for (String piece : pieces(call.arguments())) out.add(new StreamEvent.ToolCallDelta(c, i, piece));
                }
            }
            out.add(new StreamEvent.Finish(c, a.finish, a.stopSequence));
        }
        out.add(new StreamEvent.UsageReport(a.usage));
        return out;
    }

    public ChatResponse response(ChatRequest request) {
        Answer a = answer(request);
        List<ContentPart> content = new ArrayList<>();
        if (a.calls.isEmpty()) content.add(new ContentPart.Text(String.join("", a.pieces)));
        else content.addAll(a.calls);
        Message message = new Message(Role.ASSISTANT, content, null);
        List<ChatResponse.Choice> choices = new ArrayList<>();
        for (int c = 0; c < a.choices; c++) choices.add(new ChatResponse.Choice(c, message, a.finish, a.stopSequence));
        return new ChatResponse(a.id, request.model(), a.created, choices, a.usage);
    }

    /** Deterministic unit vectors derived from each input's SHA-256; {@code prompt_tokens = Σ words(input)}. */
    public EmbeddingResponse embed(EmbeddingRequest request) {
        int dims = request.dimensions() != null ? request.dimensions() : 8;
        List<float[]> vectors = new ArrayList<>();
        long tokens = 0;
        for (String input : request.inputs()) {
            tokens += words(input);
            float[] v = new float[dims];
            byte[] seed = sha256(input);
            double norm = 0;
            for (int i = 0; i < dims; i++) {
                v[i] = (seed[i % seed.length] + (i / seed.length)) / 128f;
                norm += v[i] * v[i];
            }
            float scale = norm == 0 ? 1 : (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < dims; i++) v[i] *= scale;
            vectors.add(v);
        }
        return new EmbeddingResponse(vectors, new Usage(tokens, 0, 0, 0, 0, false));
    }

    private record Answer(String id, long created, int choices, List<String> pieces, List<ContentPart.ToolCall> calls,
                          FinishReason finish, String stopSequence, Usage usage) {}

    private Answer answer(ChatRequest request) {
        Message last = request.lastMessage();
        String text = SimDirectives.strip(last.text());
        String id = "chatcmpl-sim-" + HexFormat.of().formatHex(sha256(request.model() + "\n" + text), 0, 10);
        int choices = request.params().n() != null ? request.params().n() : 1;
        Integer maxTokens = request.params().maxTokens();
        List<Tool> called = toolsToCall(request);
        List<ContentPart.ToolCall> calls = new ArrayList<>();
        List<String> pieces = List.of();
        String stopSequence = null;
        FinishReason finish;
        long completion;
        if (!called.isEmpty()) {
            completion = 0;
            for (int i = 0; i < called.size(); i++) {
                Tool t = called.get(i);
                String args = Json.text(SchemaSampler.sample(t.parameters()));
                String callId = "call_" + HexFormat.of().formatHex(sha256(id + "\n" + i + "\n" + t.name()), 0, 12);
                calls.add(new ContentPart.ToolCall(callId, t.name(), args));
                completion += 1 + pieces(args).size();
            }
            finish = FinishReason.TOOL_CALLS;
        } else {
            boolean json = request.responseFormat() instanceof ResponseFormat.JsonSchema
                    || request.responseFormat() instanceof ResponseFormat.JsonObject;
            pieces = switch (request.responseFormat()) {
                case ResponseFormat.JsonSchema s -> pieces(Json.text(SchemaSampler.sample(s.schema())));
                case ResponseFormat.JsonObject o -> pieces(Json.text(Json.object().put("echo", text)));
                // the text up to the stop sequence met first, which is left out (as providers do)
                case null, default -> {
                    stopSequence = stopMet(text, request.params().stop());
                    yield wordPieces(stopSequence == null ? text : text.substring(0, text.indexOf(stopSequence)));
                }
            };
            finish = FinishReason.STOP;
            if (maxTokens != null && pieces.size() > maxTokens && !json) {
                pieces = pieces.subList(0, maxTokens);
                finish = FinishReason.LENGTH;
                stopSequence = null;
            }
            completion = pieces.size();
        }
        Usage usage = Usage.of(promptTokens(request), completion * choices);
        return new Answer(id, clock.instant().getEpochSecond(), choices, pieces, calls, finish, stopSequence, usage);
    }

    /** The stop sequence that occurs earliest in {@code text} (the first listed of those at one place), or null. */
    static String stopMet(String text, List<String> stop) {
        String met = null;
        int cut = text.length();
        for (String s : stop) {
            int at = s.isEmpty() ? -1 : text.indexOf(s);
            if (at >= 0 && at < cut) {
                cut = at;
                met = s;
            }
        }
        return met;
    }

    private static List<Tool> toolsToCall(ChatRequest r) {
        if (r.tools().isEmpty()) return List.of();
        ToolChoice choice = r.toolChoice() == null ? ToolChoice.AUTO : r.toolChoice();
        return switch (choice) {
            case ToolChoice.None n -> List.of();
            case ToolChoice.Named named -> r.tools().stream().filter(t -> t.name().equals(named.name())).limit(1).toList();
            case ToolChoice.Required req -> Boolean.TRUE.equals(r.parallelToolCalls()) ? r.tools() : List.of(r.tools().getFirst());
            case ToolChoice.Auto auto -> r.lastMessage().role() != Role.USER ? List.of()
                    : Boolean.TRUE.equals(r.parallelToolCalls()) ? r.tools() : List.of(r.tools().getFirst());
        };
    }

    public static long promptTokens(ChatRequest r) {
        long n = 3;
        for (Message m : r.messages()) {
            n += 3 + words(m.text());
            for (ContentPart.ToolCall c : m.toolCalls()) n += words(c.name()) + words(c.arguments());
        }
        for (Tool t : r.tools()) n += 8 + words(t.name()) + words(t.description());
        return n;
    }

    public static int words(String s) {
        if (s == null) return 0;
        int n = 0;
        boolean in = false;
        for (int i = 0; i < s.length(); i++) {
            boolean ws = Character.isWhitespace(s.charAt(i));
            if (!ws && !in) n++;
            in = !ws;
        }
        return n;
    }

    /** Splits text into word pieces whose concatenation is the text exactly. */
    static List<String> wordPieces(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        int end = 0;
        while (m.find()) {
            out.add(m.group());
            end = m.end();
        }
        if (end < text.length()) {
            if (out.isEmpty()) out.add(text.substring(end));
            else out.set(out.size() - 1, out.getLast() + text.substring(end));
        }
        return out;
    }

    /** {@code s} in pieces of {@link #PIECE} characters, one more where a piece would end between the halves of a surrogate pair. */
    static List<String> pieces(String s) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < s.length(); ) {
            int end = Math.min(s.length(), i + PIECE);
            if (end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))) end++;
            out.add(s.substring(i, end));
            i = end;
        }
        return out;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
