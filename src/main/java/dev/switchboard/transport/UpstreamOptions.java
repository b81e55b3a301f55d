package dev.switchboard.transport;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How the outbound side is built: pool sizes, the proxy, extra trusted CAs, the loopback guard.
 *
 * @param poolSize         connections per upstream host and event loop (HTTP/1.1)
 * @param http2PoolSize    HTTP/2 connections per upstream host and event loop (each multiplexes)
 * @param maxWaitQueue     requests waiting for a connection before new ones are refused (503)
 */
public record UpstreamOptions(
        int poolSize,
        int http2PoolSize,
        int maxWaitQueue,
        Optional<URI> httpsProxy,
        List<String> noProxy,
        Optional<Path> caFile,
        LoopbackGuard guard) {

    public static UpstreamOptions defaults(LoopbackGuard guard) {
        return new UpstreamOptions(256, 8, 4096, Optional.empty(), List.of(), Optional.empty(), guard);
    }
}
