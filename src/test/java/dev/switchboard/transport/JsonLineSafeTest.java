package dev.switchboard.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link Json#lineSafeBytes}: the same JSON, with the three Unicode line breaks a line reader splits at escaped. */
class JsonLineSafeTest {

    @Test
    void unicodeLineBreaks_areEscaped_andTheJsonReadsTheSame() throws Exception {
        var node = Json.object().put("t", "a\u2028b\u2029c\u0085d é 中").put("n", 1);
        byte[] safe = Json.lineSafeBytes(node);
        String text = new String(safe, StandardCharsets.UTF_8);

        assertThat(text).doesNotContain("\u2028", "\u2029", "\u0085").contains("\\u2028", "\\u2029", "\\u0085", "é 中");
        assertThat(Json.parse(safe)).isEqualTo(node);
        assertThat(Json.hasUnicodeLineBreak(safe)).isFalse();
    }

    @Test
    void jsonWithoutThem_isWhatBytesWrites() {
        var node = Json.object().put("t", "plain, é, 中, \u2027 \u202a");
        assertThat(Json.lineSafeBytes(node)).isEqualTo(Json.bytes(node));
    }
}
