package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.transport.ClientDeadlines;
import dev.switchboard.transport.LoopbackGuard;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A {@code <PROVIDER>_BASE_URL} follows the rule of a deployment's {@code baseUrl}, checked at start. */
class ProviderBaseUrlSettingTest {

    @TempDir
    Path dataDir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "OPENAI_BASE_URL | ftp://127.0.0.1:9/v1 | must be an http(s) URL",
            "ANTHROPIC_BASE_URL | http://user:pw@127.0.0.1:9 | must not carry a user or password",
            "OLLAMA_BASE_URL | garbage | must be an http(s) URL",
            "AZURE_OPENAI_ENDPOINT | nope | must be an http(s) URL",
            "GEMINI_BASE_URL | http://bad host | is not a valid URL"})
    void aBadBaseUrlVariable_stopsTheStart_namingIt(String variable, String value, String problem) {
        Map<String, String> env = new HashMap<>(Map.of("PORT", "0", "HOST", "127.0.0.1", "MASTER_KEY", GatewayFixture.MASTER_KEY,
                "SWITCHBOARD_DATA_DIR", dataDir.toString(), "OPENAI_API_KEY", "k", variable, value));
        Gateway.Options options = new Gateway.Options(15_000, new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC(), 1,
                new LoopbackGuard(true), Duration.ofSeconds(1), ClientDeadlines.DEFAULT);

        assertThatThrownBy(() -> Gateway.start(Settings.fromEnv(env), options)).isInstanceOf(SettingsException.class)
                .hasMessage(variable + " " + problem + (problem.startsWith("must not carry") ? " (put secrets in credentials)" : ""));
    }
}
