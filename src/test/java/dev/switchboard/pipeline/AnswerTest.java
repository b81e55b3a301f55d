package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AnswerTest {

    @Test
    void aWriteThatThrows_failsTheRequest_insteadOfLeavingItUnanswered() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Router router = Router.router(vertx);
            router.get("/throws").handler(ctx -> Future.succeededFuture("reply").onComplete(Answer.then(ctx, reply -> {
                throw new IllegalStateException("the encoder broke on " + reply);
            })));
            router.get("/fails").handler(ctx -> Future.<String>failedFuture(new IllegalArgumentException("upstream"))
                    .onComplete(Answer.then(ctx, reply -> ctx.response().end(reply), t -> new IllegalStateException("mapped " + t.getMessage()))));
            router.get("/writes").handler(ctx -> Future.succeededFuture("ok").onComplete(Answer.then(ctx, reply -> ctx.response().end(reply))));
            router.route().failureHandler(ctx -> ctx.response().setStatusCode(500).end(ctx.failure().getMessage()));
            HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            for (String[] c : new String[][] {{"/throws", "500", "the encoder broke on reply"}, {"/fails", "500", "mapped upstream"}, {"/writes", "200", "ok"}}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + c[0]))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
                assertThat(r.body()).as(c[0]).isEqualTo(c[2]);
            }
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
