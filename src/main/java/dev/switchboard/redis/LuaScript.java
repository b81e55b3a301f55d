package dev.switchboard.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script from the classpath, run by its SHA-1 ({@code EVALSHA}); when Redis answers
 * {@code NOSCRIPT} (it restarted, or {@code SCRIPT FLUSH} ran) it is sent once as a plain
 * {@code EVAL}, which caches it again. One round trip in the usual case.
 */
public record LuaScript(String name, String text, String sha) {

    public static LuaScript load(String resource) {
        try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException(resource + " is missing from the classpath");
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new LuaScript(resource, text, sha1(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Future<Response> run(RedisLink link, List<String> keys, List<String> args) {
        return link.send(request(Command.EVALSHA, sha, keys, args))
                .recover(e -> e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")
                        ? link.send(request(Command.EVAL, text, keys, args))
                        : Future.failedFuture(e));
    }

    private static Request request(Command command, String script, List<String> keys, List<String> args) {
        Request r = Request.cmd(command).arg(script).arg(keys.size());
        for (String k : keys) r.arg(k);
        for (String a : args) r.arg(a);
        return r;
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
