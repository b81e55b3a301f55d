package dev.switchboard.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The signer against AWS's published SigV4 test suite (the documented example credentials,
 * 2015-08-30T12:36:00Z, us-east-1, service {@code service}) and the documented signing key, and a
 * Bedrock-shaped request whose canonical request and signature were checked by hand (openssl).
 */
class SigV4Test {

    static final SigV4.Credentials EXAMPLE = new SigV4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null, "us-east-1");
    static final Instant SUITE_TIME = Instant.parse("2015-08-30T12:36:00Z");

    private static Map<String, String> host() {
        return Map.of("Host", "example.amazonaws.com");
    }

    @Test
    void testSuite_postVanilla() {
        Map<String, String> h = SigV4.sign("POST", "/", null, host(), new byte[0], EXAMPLE, "service", SUITE_TIME);
        assertThat(h.get("x-amz-date")).isEqualTo("20150830T123600Z");
        assertThat(h.get("authorization")).isEqualTo("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
    }

    @Test
    void testSuite_getVanillaWithQuery() {
        Map<String, String> h = SigV4.sign("GET", "/", "Param1=value1", host(), new byte[0], EXAMPLE, "service", SUITE_TIME);
        assertThat(h.get("authorization")).endsWith("Signature=a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb");
    }

    @Test
    void signingKey_matchesTheDocumentedExample() {
        assertThat(SigV4.hex(SigV4.signingKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam")))
                .isEqualTo("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
    }

    @Test
    void canonicalUri_encodesEachSegmentOfTheSentPathAgain() {
        String sent = BedrockProvider.path("anthropic.claude-3-haiku-20240307-v1:0", false);
        assertThat(sent).isEqualTo("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
        assertThat(SigV4.canonicalUri(sent)).isEqualTo("/model/anthropic.claude-3-haiku-20240307-v1%253A0/converse");
        assertThat(SigV4.canonicalUri("")).isEqualTo("/");
        assertThat(dev.switchboard.transport.UriEncoding.encode("a b/é~")).isEqualTo("a%20b%2F%C3%A9~");
    }

    @Test
    void bedrockRequest_withSessionToken_handChecked() {
        SigV4.Credentials c = new SigV4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "SESSIONTOKEN", "us-west-2");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("host", "bedrock-runtime.us-west-2.amazonaws.com");
        byte[] body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> h = SigV4.sign("POST", "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse", null, headers, body, c,
                "bedrock", Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(h).containsEntry("x-amz-date", "20240101T000000Z").containsEntry("x-amz-security-token", "SESSIONTOKEN");
        // the canonical request, the string to sign and the key chain recomputed independently with openssl
        assertThat(h.get("authorization")).isEqualTo("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-west-2/bedrock/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "
                + "Signature=c6ed2addf7663aac4249734a5971224c538dccefe276e06233b98dd8e11d2d64");
        assertThat(c.toString()).doesNotContain("wJalr");
    }
}
