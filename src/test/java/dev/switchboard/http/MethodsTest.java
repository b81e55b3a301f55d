package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.transport.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HEAD is served wherever GET is, without a body on HTTP/1.1 and HTTP/2 alike; a 405 says in
 * {@code Allow} which methods the path takes.
 */
class MethodsTest {

    static GatewayFixture gw;
    static Vertx vertx;

    @BeforeAll
    static void start() {
        gw = GatewayFixture.builder().config("""
                models:
                  sim:
                    - { provider: simulator, upstreamModel: echo }
                """).start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        gw.close();
    }

    HttpResponse<String> http1(String method, String path) throws Exception {
        return gw.http().send(HttpRequest.newBuilder(URI.create(gw.url(path))).version(java.net.http.HttpClient.Version.HTTP_1_1)
                .header("authorization", "Bearer " + GatewayFixture.MASTER_KEY)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Over HTTP/2 by prior knowledge: status, headers, and the body as received. */
    record H2(int status, io.vertx.core.MultiMap headers, String body) {}

    H2 http2(HttpMethod method, String path) throws Exception {
        var client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        try {
            return client.request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(gw.gateway().port()).setURI(path)
                            .putHeader("authorization", "Bearer " + GatewayFixture.MASTER_KEY))
                    .compose(req -> req.send())
                    .compose((HttpClientResponse resp) -> {
                        assertThat(resp.version()).isEqualTo(HttpVersion.HTTP_2);
                        return resp.body().map(b -> new H2(resp.statusCode(), resp.headers(), b.toString()));
                    })
                    .await(10, TimeUnit.SECONDS);
        } finally {
            client.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void head_answersLikeGet_withTheLengthAndNoBody_overHttp1() throws Exception {
        for (String path : new String[] {"/health/live", "/v1/models", "/v1/models/sim", "/admin/keys"}) {
            HttpResponse<String> get = http1("GET", path);
            HttpResponse<String> head = http1("HEAD", path);
            assertThat(head.statusCode()).as(path).isEqualTo(200);
            assertThat(head.body()).as(path).isEmpty();
            assertThat(head.headers().firstValue("content-length")).as(path).hasValue(Integer.toString(get.body().length()));
            assertThat(head.headers().firstValue("x-request-id")).as(path).isPresent();
        }
    }

    @Test
    void head_overHttp2_sendsNoBody_evenForAnError() throws Exception {
        H2 get = http2(HttpMethod.GET, "/v1/models");
        H2 head = http2(HttpMethod.HEAD, "/v1/models");
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().get("content-length")).isEqualTo(Integer.toString(get.body().length()));

        H2 notAllowed = http2(HttpMethod.HEAD, "/v1/chat/completions");
        assertThat(notAllowed.status()).isEqualTo(405);
        assertThat(notAllowed.body()).isEmpty();
        assertThat(notAllowed.headers().get("allow")).isEqualTo("POST");

        H2 missing = http2(HttpMethod.HEAD, "/nowhere");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).isEmpty();
    }

    @Test
    void methodNotAllowed_namesTheAllowedMethods_inTheErrorShapeOfThePath() throws Exception {
        record Case(String method, String path, String allow) {}
        for (Case c : new Case[] {
                new Case("DELETE", "/v1/chat/completions", "POST"),
                new Case("PUT", "/v1/models", "GET, HEAD"),
                new Case("POST", "/v1/models/openai/gpt-4o", "GET, HEAD"),
                new Case("POST", "/v1/responses/resp_1", "GET, HEAD, DELETE"),
                new Case("PUT", "/admin/keys/key_1", "GET, HEAD, PATCH, DELETE"),
                new Case("GET", "/v1beta/models/sim:generateContent", "POST")}) {
            HttpResponse<String> r = http1(c.method(), c.path());
            assertThat(r.statusCode()).as(c.toString()).isEqualTo(405);
            assertThat(r.headers().firstValue("allow")).as(c.toString()).hasValue(c.allow());
            var body = Json.parse(r.body());
            String code = c.path().startsWith("/v1beta/") ? body.at("/error/details/0/reason").asText().toLowerCase() : body.at("/error/code").asText();
            assertThat(code).as(c.toString()).isEqualTo("method_not_allowed");
        }
    }
}
