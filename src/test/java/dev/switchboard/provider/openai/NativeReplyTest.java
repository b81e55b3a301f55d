package dev.switchboard.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NativeReplyTest {

    static NativeReply.Rewritten rewrite(String json) throws IOException {
        return NativeReply.rewrite(json.getBytes(StandardCharsets.UTF_8), "client-name");
    }

    @Test
    void rewrite_replacesTopLevelModelOnly_andKeepsEverythingElseExactly() throws IOException {
        String in = "{\"id\":\"x\",\"model\":\"gpt-4o-2024\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"é \\\"q\\\"\\n\","
                + "\"model\":\"inner\"},\"logprobs\":{\"v\":[-0.000012345678901234567,1.10,2E-7]}}],\"x_extra\":{\"b\":true,\"n\":null,\"big\":12345678901234567890}}";
        NativeReply.Rewritten r = rewrite(in);
        assertThat(r.body().toString()).isEqualTo(in.replace("\"model\":\"gpt-4o-2024\"", "\"model\":\"client-name\""));
        assertThat(r.upstreamModel()).isEqualTo("gpt-4o-2024");
        assertThat(r.usage()).isNull();
    }

    @Test
    void rewrite_readsUsageWithDetails() throws IOException {
        NativeReply.Rewritten r = rewrite("{\"model\":\"m\",\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":4},\"completion_tokens_details\":{\"reasoning_tokens\":2}}}");
        assertThat(r.usage().inputTokens()).isEqualTo(10);
        assertThat(r.usage().outputTokens()).isEqualTo(5);
        assertThat(r.usage().cachedInputTokens()).isEqualTo(4);
        assertThat(r.usage().reasoningTokens()).isEqualTo(2);
        assertThat(r.body().toString()).contains("\"usage\":{\"prompt_tokens\":10,");
    }

    @Test
    void rewrite_addsModelWhenAbsent() throws IOException {
        assertThat(rewrite("{\"id\":\"x\"}").body().toString()).isEqualTo("{\"model\":\"client-name\",\"id\":\"x\"}");
        assertThat(rewrite(" { } ").body().toString()).isEqualTo(" {\"model\":\"client-name\" } ");
    }

    @Test
    void rewrite_toleratesWhitespaceAndTrickyStrings_andEscapesTheClientName() throws IOException {
        String in = "{\n  \"note\" : \"a } ] \\\" { [ \\\\\",\n  \"model\" : \"up\\u0041\" ,\"arr\":[1,{\"model\":\"x\"}]\n}\n";
        NativeReply.Rewritten r = NativeReply.rewrite(in.getBytes(StandardCharsets.UTF_8), "my \"model\"");
        assertThat(r.upstreamModel()).isEqualTo("upA");
        assertThat(r.body().toString()).isEqualTo(in.replace("\"up\\u0041\"", "\"my \\\"model\\\"\""));
        assertThat(dev.switchboard.transport.Json.parse(r.body().getBytes()).get("model").asText()).isEqualTo("my \"model\"");
    }

    @Test
    void rewrite_malformedOrNotAnObject_fails() {
        assertThatThrownBy(() -> rewrite("[1]")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> rewrite("{\"a\":")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> rewrite("{\"a\":1} x")).isInstanceOf(IOException.class);
    }
}
