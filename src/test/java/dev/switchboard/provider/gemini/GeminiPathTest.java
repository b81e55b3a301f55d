package dev.switchboard.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GeminiPathTest {

    @Test
    void aModelIsOneEncodedSegment_underItsCollection() {
        assertThat(GeminiProvider.path("gemini-2.5-flash", "generateContent")).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(GeminiProvider.path("models/gemini-2.5-flash", "countTokens")).isEqualTo("/v1beta/models/gemini-2.5-flash:countTokens");
        assertThat(GeminiProvider.path("tunedModels/my-tune", "generateContent")).isEqualTo("/v1beta/tunedModels/my-tune:generateContent");
        assertThat(GeminiProvider.path("x?key=a#", "generateContent")).isEqualTo("/v1beta/models/x%3Fkey%3Da%23:generateContent");
        assertThat(GeminiProvider.path("../../v1beta/files", "generateContent")).isEqualTo("/v1beta/models/..%2F..%2Fv1beta%2Ffiles:generateContent");
        assertThat(GeminiProvider.path("..", "generateContent")).isEqualTo("/v1beta/models/%2E%2E:generateContent");
        assertThat(GeminiProvider.path("models/../x", "generateContent")).isEqualTo("/v1beta/models/..%2Fx:generateContent");
    }
}
