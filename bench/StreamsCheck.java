import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many concurrent SSE streams through the gateway, each checked whole: run by bench/streams.sh
 * with the gateway's jar on the class path ({@code java -cp switchboard.jar bench/StreamsCheck.java}).
 *
 * <p>Stream {@code i} asks the simulator (behind the gateway) to echo {@code words} distinct words
 * ({@code s<i>w<j>}), one every {@code tokenMs}: its text must come back exactly, in order, ended
 * by {@code [DONE]} — a dropped, repeated or reordered chunk fails it. The streams are opened over
 * {@code rampMs}, so with {@code words × tokenMs} longer than the ramp they are all open at once;
 * the most open at one time is reported, with the gateway's peak RSS (read from /proc while they run).
 *
 * <p>Arguments: host port key model streams words tokenMs rampMs gatewayPid
 */
public final class StreamsCheck {

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String key = args[2];
        String model = args[3];
        int streams = Integer.parseInt(args[4]);
        int words = Integer.parseInt(args[5]);
        int tokenMs = Integer.parseInt(args[6]);
        long rampMs = Long.parseLong(args[7]);
        long gatewayPid = Long.parseLong(args[8]);

        ObjectMapper json = new ObjectMapper();
        Vertx vertx = Vertx.vertx();
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port).setKeepAlive(false),
                new PoolOptions().setHttp1MaxSize(streams).setMaxWaitQueueSize(streams));
        AtomicInteger open = new AtomicInteger();
        AtomicInteger mostOpen = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong peakRssKb = new AtomicLong();
        CountDownLatch done = new CountDownLatch(streams);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (done.getCount() > 0) {
                peakRssKb.accumulateAndGet(rssKb(gatewayPid), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        String[] firstFailure = {null};
        long start = System.nanoTime();
        for (int i = 0; i < streams; i++) {
            int n = i;
            vertx.setTimer(1 + rampMs * i / streams, t -> {
                StringBuilder prompt = new StringBuilder("[sim token_ms=" + tokenMs + "]");
                StringBuilder expected = new StringBuilder();
                for (int w = 0; w < words; w++) {
                    String word = "s" + n + "w" + w;
                    prompt.append(' ').append(word);
                    expected.append(w == 0 ? "" : " ").append(word);
                }
                String body = "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
                StringBuilder text = new StringBuilder();
                StringBuilder pending = new StringBuilder();
                boolean[] sawDone = {false};
                boolean[] over = {false}; // counted once, whichever of the end and a failure comes first
                Runnable fail = () -> {
                    if (over[0]) return;
                    over[0] = true;
                    failed.incrementAndGet();
                    done.countDown();
                };
                client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/chat/completions")
                                .putHeader("authorization", "Bearer " + key).putHeader("content-type", "application/json"))
                        .compose(req -> req.send(Buffer.buffer(body)))
                        .onFailure(e -> {
                            synchronized (firstFailure) {
                                if (firstFailure[0] == null) firstFailure[0] = "stream " + n + ": " + e;
                            }
                            fail.run();
                        })
                        .onSuccess(resp -> {
                            if (resp.statusCode() != 200) {
                                resp.body().onComplete(b -> {
                                    synchronized (firstFailure) {
                                        if (firstFailure[0] == null) firstFailure[0] = "stream " + n + ": HTTP " + resp.statusCode() + " " + b.result();
                                    }
                                    fail.run();
                                });
                                return;
                            }
                            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                            resp.handler(chunk -> {
                                pending.append(chunk.toString());
                                int nl;
                                while ((nl = pending.indexOf("\n")) >= 0) {
                                    String line = pending.substring(0, nl).trim();
                                    pending.delete(0, nl + 1);
                                    if (!line.startsWith("data: ")) continue;
                                    String data = line.substring(6);
                                    if (data.equals("[DONE]")) {
                                        sawDone[0] = true;
                                        continue;
                                    }
                                    try {
                                        JsonNode c = json.readTree(data);
                                        JsonNode content = c.path("choices").path(0).path("delta").path("content");
                                        if (content.isTextual()) text.append(content.asText());
                                    } catch (Exception e) {
                                        text.append("<bad chunk>");
                                    }
                                }
                            });
                            resp.exceptionHandler(e -> {
                                // a connection cut mid-stream: Vert.x ends the response here, not in the end handler
                                if (over[0]) return;
                                open.decrementAndGet();
                                synchronized (firstFailure) {
                                    if (firstFailure[0] == null) firstFailure[0] = "stream " + n + ": cut after \"" + text + "\": " + e;
                                }
                                fail.run();
                            });
                            resp.endHandler(v -> {
                                if (over[0]) return;
                                open.decrementAndGet();
                                if (sawDone[0] && text.toString().contentEquals(expected)) {
                                    over[0] = true;
                                    ok.incrementAndGet();
                                    done.countDown();
                                } else {
                                    synchronized (firstFailure) {
                                        if (firstFailure[0] == null) {
                                            firstFailure[0] = "stream " + n + ": done=" + sawDone[0] + " text=" + text + " expected=" + expected;
                                        }
                                    }
                                    fail.run();
                                }
                            });
                        });
            });
        }
        long limitMs = rampMs + (long) words * tokenMs * 4 + 60_000;
        boolean finished = done.await(limitMs, TimeUnit.MILLISECONDS);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        sampler.interrupt();
        System.out.printf("STREAMS_RESULT streams=%d ok=%d failed=%d unfinished=%d most_open=%d elapsed_ms=%d gateway_peak_rss_mb=%d%n",
                streams, ok.get(), failed.get(), finished ? 0 : done.getCount(), mostOpen.get(), elapsedMs, peakRssKb.get() / 1024);
        if (firstFailure[0] != null) System.out.println("first failure: " + firstFailure[0]);
        vertx.close().await();
        System.exit(ok.get() == streams ? 0 : 1);
    }

    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (Exception e) {
            // the gateway is gone: the streams will say so
        }
        return 0;
    }
}
