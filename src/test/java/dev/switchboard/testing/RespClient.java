package dev.switchboard.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The least Redis client that can probe a server and clean up after tests: one command over a
 * fresh loopback socket, the reply's first line back (an array reply's header, say). Test-side
 * only, independent of the client under test.
 */
final class RespClient {

    private RespClient() {}

    /** The reply's first line ({@code +PONG}, {@code :3}, {@code -ERR …}), or throws when nothing answers in time. */
    static String command(String host, int port, int timeoutMs, String... args) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            req.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            for (String a : args) {
                byte[] b = a.getBytes(StandardCharsets.UTF_8);
                req.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.UTF_8));
                req.writeBytes(b);
                req.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            OutputStream out = s.getOutputStream();
            out.write(req.toByteArray());
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
                if (c != '\r') line.append((char) c);
            }
            if (line.isEmpty()) throw new IOException("no reply from " + host + ":" + port);
            return line.toString();
        }
    }

    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
