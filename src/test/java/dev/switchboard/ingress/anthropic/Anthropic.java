package dev.switchboard.ingress.anthropic;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import dev.switchboard.testing.GatewayFixture;
import java.time.Duration;

/** The official Anthropic SDK pointed at a gateway, as Anthropic's own clients call it. */
final class Anthropic {

    private Anthropic() {}

    /** Key in {@code x-api-key}; SDK retries off, so every status is seen as sent. */
    static AnthropicClient client(GatewayFixture gw, String key) {
        return AnthropicOkHttpClient.builder().apiKey(key).baseUrl(gw.url("")).maxRetries(0).timeout(Duration.ofSeconds(20)).build();
    }
}
