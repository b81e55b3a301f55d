package dev.switchboard.ingress.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.error.GatewayError;
import dev.switchboard.transport.Json;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An embeddings body the gateway refuses before any provider, naming the field. */
class EmbeddingsDecodeTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"input\":\"x\",\"user\":5 | user",
            "\"input\":[\"a\",[1,2]] | input[1]",
            "\"input\":[[1,2],\"a\"] | input[1]",
            "\"input\":[-1,2] | input",
            "\"input\":[3000000000] | input",
            "\"input\":\"x\",\"dimensions\":65537 | dimensions"})
    void aBadBody_isRefused_namingTheField(String body, String param) throws IOException {
        GatewayError e = catchThrowableOfType(GatewayError.class, () -> EmbeddingsHandler.decode(Json.parse("{\"model\":\"m\"," + body + "}")));
        assertThat(e).isNotNull();
        assertThat(e.param()).isEqualTo(param);
    }

    @ParameterizedTest
    @CsvSource({"2048, true", "2049, false"})
    void atMost2048Inputs(int n, boolean taken) throws IOException {
        String inputs = "\"a\",".repeat(n - 1) + "\"a\"";
        GatewayError e = catchThrowableOfType(GatewayError.class, () -> EmbeddingsHandler.decode(Json.parse("{\"model\":\"m\",\"input\":[" + inputs + "]}")));
        assertThat(e == null).isEqualTo(taken);
        if (!taken) assertThat(e.param()).isEqualTo("input");
    }
}
