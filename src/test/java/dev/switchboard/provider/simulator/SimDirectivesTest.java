package dev.switchboard.provider.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimDirectivesTest {

    private static final Function<String, String> NO_HEADERS = name -> null;

    private static Function<String, String> headers(Map<String, String> h) {
        return h::get;
    }

    @Test
    void read_nothingGiven_isNone() {
        assertThat(SimDirectives.read(NO_HEADERS, "just a question")).isEqualTo(SimDirectives.NONE);
        assertThat(SimDirectives.read(NO_HEADERS, null)).isEqualTo(SimDirectives.NONE);
    }

    @Test
    void read_everyHeader_fillsItsField() {
        SimDirectives d = SimDirectives.read(headers(Map.of(
                "x-sim-status", "503", "x-sim-retry-after", "7", "x-sim-cut-after", "3",
                "x-sim-stall-after", "4", "x-sim-latency-ms", "250", "x-sim-token-ms", "20")), "hi");
        assertThat(d).isEqualTo(new SimDirectives(503, 7, 3, 4, 250, 20));
    }

    @Test
    void read_directiveInText_fillsItsFields() {
        assertThat(SimDirectives.read(NO_HEADERS, "[sim status=429 retry_after=2] hello"))
                .isEqualTo(new SimDirectives(429, 2, 0, 0, 0, 0));
        assertThat(SimDirectives.read(NO_HEADERS, "tell me [sim cut_after=5 stall_after=6 latency_ms=100 token_ms=10]"))
                .isEqualTo(new SimDirectives(0, 0, 5, 6, 100, 10));
    }

    @Test
    void read_textAndHeaderForSameField_textWinsAndOtherHeadersStay() {
        SimDirectives d = SimDirectives.read(headers(Map.of("x-sim-status", "503", "x-sim-token-ms", "15")),
                "[sim status=429] hi");
        assertThat(d.status()).isEqualTo(429);
        assertThat(d.tokenMs()).isEqualTo(15);
    }

    @Test
    void read_unknownKeysInText_areIgnored() {
        assertThat(SimDirectives.read(NO_HEADERS, "[sim colour=3 status=500]").status()).isEqualTo(500);
    }

    @Test
    void read_onlyFirstDirectiveInTextCounts() {
        assertThat(SimDirectives.read(NO_HEADERS, "[sim status=500] and [sim status=502]").status()).isEqualTo(500);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-5", "", "1.5", "99999999999"})
    void read_malformedHeaderValue_isZero(String value) {
        assertThat(SimDirectives.read(headers(Map.of("x-sim-status", value)), "hi").status()).isZero();
    }

    @Test
    void read_headerValueWithSurroundingSpace_isTrimmed() {
        assertThat(SimDirectives.read(headers(Map.of("x-sim-status", " 502 ")), "hi").status()).isEqualTo(502);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[sim status=abc]", "[simstatus=500]", "[sim status = 500]", "(sim status=500)", "[SIM status=500]"})
    void read_textThatIsNotADirective_isIgnored(String text) {
        assertThat(SimDirectives.read(NO_HEADERS, text)).isEqualTo(SimDirectives.NONE);
    }

    @Test
    void strip_removesDirectiveAndSurroundingSpace() {
        assertThat(SimDirectives.strip("[sim status=429 retry_after=2] hello there")).isEqualTo("hello there");
        assertThat(SimDirectives.strip("hello there [sim cut_after=3]")).isEqualTo("hello there");
        assertThat(SimDirectives.strip("[sim]")).isEmpty();
    }

    @Test
    void strip_removesEveryDirective() {
        assertThat(SimDirectives.strip("[sim status=1]a[sim token_ms=2]b")).isEqualTo("ab");
    }

    @Test
    void strip_textWithoutDirective_isUnchangedApartFromOuterWhitespace() {
        assertThat(SimDirectives.strip("keep [this] and [sim-like] text")).isEqualTo("keep [this] and [sim-like] text");
    }
}
