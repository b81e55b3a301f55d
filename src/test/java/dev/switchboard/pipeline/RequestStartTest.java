package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestStartTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "req_0123abcd", "A-Z.a_z-0.9", "0f8fad5b-d9cb-469f-a165-70867728950e"})
    void valid_idsOfAllowedCharacters_areKept(String id) {
        assertThat(RequestStart.valid(id)).isTrue();
    }

    @Test
    void valid_exactly128Characters_isKept_129IsNot() {
        assertThat(RequestStart.valid("x".repeat(128))).isTrue();
        assertThat(RequestStart.valid("x".repeat(129))).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"has space", "semi;colon", "new\nline", "slash/y", "colon:x", "é", "tab\t", "quote\"", "ünï"})
    void valid_missingOrOtherCharacters_isReplaced(String id) {
        assertThat(RequestStart.valid(id)).isFalse();
    }

    @Test
    void utf8_readsAHeadersBytesAsTheUtf8TheClientSent() {
        String wire = new String("ñandú,日本語".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1); // as HTTP/1.1 hands it over
        assertThat(RequestStart.utf8(wire)).isEqualTo("ñandú,日本語");
        assertThat(RequestStart.utf8("web, beta")).isEqualTo("web, beta");
        assertThat(RequestStart.utf8(null)).isNull();
    }

    @Test
    void newId_isReqPrefixAnd24LowercaseHexAndItselfValid() {
        String id = RequestStart.newId();
        assertThat(id).matches("req_[0-9a-f]{24}");
        assertThat(RequestStart.valid(id)).isTrue();
    }

    @Test
    void newId_repeatedCalls_areDistinct() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) ids.add(RequestStart.newId());
        assertThat(ids).hasSize(10_000);
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0.000",
        "999, 0.000",
        "1000, 0.001",
        "84000, 0.084",
        "1500000, 1.500",
        "10000000, 10.000",
        "1234567, 1.234",
        "12345678901, 12345.678"
    })
    void millis_formatsNanosAsMillisecondsWithThreeDecimals(long nanos, String expected) {
        assertThat(RequestStart.millis(nanos)).isEqualTo(expected);
    }
}
