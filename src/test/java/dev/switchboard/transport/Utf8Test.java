package dev.switchboard.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

class Utf8Test {

    static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) out[i] = (byte) b[i];
        return out;
    }

    @Test
    void acceptsWellFormedText_ofEveryLength_acrossTheEightByteSteps() {
        String text = "{\"a\":\"héllo wörld — 日本語 😀 ok\"}";
        for (int i = 0; i <= text.length(); i++) {
            assertThat(Utf8.validJsonText(text.substring(0, i).getBytes(StandardCharsets.UTF_8))).as(text.substring(0, i)).isTrue();
        }
        assertThat(Utf8.validJsonText(bytes(0xEF, 0xBB, 0xBF, '{', '}'))).as("a UTF-8 byte order mark").isTrue();
        assertThat(Utf8.validJsonText(bytes(0xF4, 0x8F, 0xBF, 0xBF))).as("U+10FFFF").isTrue();
        assertThat(Utf8.validJsonText(bytes(0xED, 0x9F, 0xBF))).as("U+D7FF").isTrue();
    }

    @Test
    void refusesOverlongForms_surrogates_pastTheLastCodePoint_strayBytes_andTruncation() {
        int[][] bad = {
                {0xC0, 0xAF}, {0xC1, 0xBF}, {0xE0, 0x80, 0xAF}, {0xF0, 0x80, 0x80, 0xAF}, // overlong
                {0xED, 0xA0, 0x80}, {0xED, 0xBF, 0xBF}, // surrogates
                {0xF4, 0x90, 0x80, 0x80}, {0xF5, 0x80, 0x80, 0x80}, {0xFF}, // past U+10FFFF, never used
                {0x80}, {0xBF}, {0xC3, 0x28}, // continuation alone, lead without one
                {0xC3}, {0xE2, 0x82}, {0xF0, 0x9F, 0x98}, // cut short
                {0xFE, 0xFF, 0x00, '{'}, // a UTF-16 byte order mark
        };
        for (int[] b : bad) {
            byte[] alone = bytes(b);
            assertThat(Utf8.validJsonText(alone)).as(java.util.Arrays.toString(b)).isFalse();
            byte[] inText = ("{\"text\":\"abcdefghij" + "\0".repeat(b.length) + "klmnopqrstuv\"}").getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(alone, 0, inText, 19, alone.length);
            assertThat(Utf8.validJsonText(inText)).as("inside text: " + java.util.Arrays.toString(b)).isFalse();
        }
    }

    @Test
    void refusesNul_whichIsHowUtf16AndUtf32Look() {
        assertThat(Utf8.validJsonText("{\"a\":1}".getBytes(StandardCharsets.UTF_16LE))).isFalse();
        assertThat(Utf8.validJsonText("{\"a\":1}".getBytes(StandardCharsets.UTF_16BE))).isFalse();
        assertThat(Utf8.validJsonText("{\"a\":\"12345678\u0000\"}".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void agreesWithTheJdksStrictDecoder_onRandomBytes() {
        RandomGenerator r = RandomGeneratorFactory.of("L64X128MixRandom").create(42);
        var decoder = StandardCharsets.UTF_8.newDecoder();
        for (int n = 0; n < 20_000; n++) {
            byte[] b = new byte[r.nextInt(1, 24)];
            for (int i = 0; i < b.length; i++) {
                // mostly ASCII, with the bytes that start and continue multi-byte forms mixed in
                b[i] = (byte) (r.nextInt(4) == 0 ? r.nextInt(0x80, 0x100) : r.nextInt(1, 0x80));
            }
            boolean jdk;
            try {
                decoder.reset().decode(java.nio.ByteBuffer.wrap(b));
                jdk = true;
            } catch (java.nio.charset.CharacterCodingException e) {
                jdk = false;
            }
            assertThat(Utf8.validJsonText(b)).as(java.util.HexFormat.of().formatHex(b)).isEqualTo(jdk);
        }
    }
}
