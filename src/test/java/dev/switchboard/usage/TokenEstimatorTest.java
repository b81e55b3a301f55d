package dev.switchboard.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.ContentPart;
import dev.switchboard.model.Message;
import dev.switchboard.model.Role;
import dev.switchboard.model.Tool;
import dev.switchboard.transport.Json;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

class TokenEstimatorTest {

    static ChatRequest request(List<Message> messages, List<Tool> tools) {
        return new ChatRequest("m", messages, tools, null, null, null, null, false, false, null);
    }

    @Test
    void tokens_areCl100kBase() {
        assertThat(TokenEstimator.tokens("hello world")).isEqualTo(2);
        assertThat(TokenEstimator.tokens("Hello there, gateway")).isEqualTo(4);
        assertThat(TokenEstimator.tokens("")).isZero();
        assertThat(TokenEstimator.tokens(null)).isZero();
        assertThat(TokenEstimator.tokens("<|endoftext|>")).isGreaterThan(1); // special tokens count as text
    }

    @Test
    void inputTokens_followTheDocumentedFormula() throws Exception {
        List<Message> messages = List.of(
                Message.text(Role.SYSTEM, "Be brief"),
                new Message(Role.USER, List.of(new ContentPart.Text("hello world"), new ContentPart.Image("https://x", null, null, null)), null),
                new Message(Role.ASSISTANT, List.of(new ContentPart.ToolCall("c1", "lookup", "{\"q\":\"x\"}")), null),
                new Message(Role.TOOL, List.of(new ContentPart.ToolResult("c1", List.of(new ContentPart.Text("hello world")), false)), null));
        Tool tool = new Tool("lookup", "Look it up", Json.parse("{\"type\":\"object\"}"), null);
        long expected = 3
                + (3 + TokenEstimator.tokens("Be brief"))
                + (3 + 2 + 1_600)
                + (3 + TokenEstimator.tokens("lookup") + TokenEstimator.tokens("{\"q\":\"x\"}"))
                + (3 + 2)
                + (8 + TokenEstimator.tokens("lookup") + TokenEstimator.tokens("Look it up") + TokenEstimator.tokens("{\"type\":\"object\"}"));
        assertThat(TokenEstimator.inputTokens(request(messages, List.of(tool)))).isEqualTo(expected);
    }

    @Test
    void quick_isASmallPromptOnceTheEncodingIsLoaded() {
        TokenEstimator.tokens("load"); // the encoding loads on first use
        ChatRequest small = request(List.of(Message.text(Role.USER, "x".repeat(TokenEstimator.INLINE_CHARS))), List.of());
        ChatRequest large = request(List.of(Message.text(Role.USER, "x".repeat(TokenEstimator.INLINE_CHARS + 1))), List.of());
        assertThat(TokenEstimator.quick(small)).isTrue();
        assertThat(TokenEstimator.quick(large)).isFalse();
        // a tool result's text, a tool call's arguments and the tools' schemas weigh too
        ChatRequest nested = request(List.of(new Message(Role.TOOL, List.of(new ContentPart.ToolResult("c1",
                List.of(new ContentPart.Text("x".repeat(TokenEstimator.INLINE_CHARS + 1))), false)), null)), List.of());
        assertThat(TokenEstimator.quick(nested)).isFalse();
        ChatRequest args = request(List.of(new Message(Role.ASSISTANT, List.of(new ContentPart.ToolCall("c1", "f",
                "x".repeat(TokenEstimator.INLINE_CHARS))), null)), List.of());
        assertThat(TokenEstimator.quick(args)).isFalse();
        List<Tool> tools = new ArrayList<>();
        for (int i = 0; i < TokenEstimator.INLINE_CHARS / TokenEstimator.SCHEMA_CHARS + 1; i++) {
            tools.add(new Tool("t" + i, null, Json.object(), null));
        }
        assertThat(TokenEstimator.quick(request(List.of(Message.text(Role.USER, "hi")), tools))).isFalse();
        assertThat(TokenEstimator.quick(request(List.of(Message.text(Role.USER, "hi")), tools.subList(0, 1)))).isTrue();
    }

    @Test
    void count_onAnEventLoop_countsALongPromptOnAWorker_andAShortOneInPlace() throws Exception {
        TokenEstimator.tokens("load");
        Vertx vertx = Vertx.vertx();
        try {
            ChatRequest shortOne = request(List.of(Message.text(Role.USER, "hello world")), List.of());
            ChatRequest longOne = request(List.of(Message.text(Role.USER, "hello world ".repeat(1_000))), List.of());
            CompletableFuture<List<Object>> seen = new CompletableFuture<>();
            vertx.runOnContext(v -> {
                List<Object> out = new ArrayList<>();
                ToLongFunction<ChatRequest> recording = r -> {
                    out.add(Context.isOnEventLoopThread() ? "loop" : "worker");
                    return TokenEstimator.inputTokens(r);
                };
                TokenEstimator.count(vertx, shortOne, recording)
                        .compose(a -> TokenEstimator.count(vertx, longOne, recording).map(b -> List.of(a, b)))
                        .onComplete(ar -> {
                            if (ar.failed()) {
                                seen.completeExceptionally(ar.cause());
                                return;
                            }
                            out.addAll(ar.result());
                            out.add(Context.isOnEventLoopThread() ? "back on the loop" : "elsewhere");
                            seen.complete(out);
                        });
            });
            assertThat(seen.get(30, TimeUnit.SECONDS)).containsExactly("loop", "worker",
                    TokenEstimator.inputTokens(shortOne), TokenEstimator.inputTokens(longOne), "back on the loop");
        } finally {
            vertx.close().await();
        }
    }
}
