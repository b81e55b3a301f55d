package dev.switchboard.transport;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javax.net.ssl.TrustManagerFactory;

/**
 * The one way out of the gateway: every upstream call goes through {@link #send}. It owns two
 * pooled Vert.x clients for the event loop it was made on — plain HTTP/1.1 for {@code http://}
 * upstreams (local servers, the simulator) and TLS with HTTP/2 by ALPN (falling back to 1.1) for
 * {@code https://} ones, the latter behind {@code HTTPS_PROXY} unless {@code NO_PROXY} or loopback
 * exempts the host. The {@link LoopbackGuard} is checked before any connection is made.
 */
public final class OutboundConnector {

    private final HttpClient plain;
    private final HttpClient tls;
    private final LoopbackGuard guard;
    private final UpstreamOptions options;

    public OutboundConnector(Vertx vertx, UpstreamOptions options) {
        this.options = options;
        this.guard = options.guard();
        PoolOptions pool = new PoolOptions()
                .setHttp1MaxSize(options.poolSize())
                .setHttp2MaxSize(options.http2PoolSize())
                .setMaxWaitQueueSize(options.maxWaitQueue());
        HttpClientOptions plainOptions = new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setDecompressionSupported(true)
                .setProtocolVersion(HttpVersion.HTTP_1_1);
        this.plain = vertx.httpClientBuilder().with(plainOptions).with(pool).build();
        HttpClientOptions tlsOptions = new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setDecompressionSupported(true)
                .setSsl(true)
                .setUseAlpn(true)
                .setProtocolVersion(HttpVersion.HTTP_2);
        options.caFile().ifPresent(ca -> tlsOptions.setTrustOptions(TrustOptions.wrap(trustWithExtraCa(ca))));
        options.httpsProxy().ifPresent(proxy -> {
            ProxyOptions proxyOptions = new ProxyOptions()
                    .setType(ProxyType.HTTP)
                    .setHost(proxy.getHost())
                    .setPort(proxy.getPort() > 0 ? proxy.getPort() : 3128);
            String userInfo = proxy.getUserInfo(); // http://user:password@proxy:3128
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                proxyOptions.setUsername(colon < 0 ? userInfo : userInfo.substring(0, colon));
                if (colon >= 0) proxyOptions.setPassword(userInfo.substring(colon + 1));
            }
            tlsOptions.setProxyOptions(proxyOptions);
            tlsOptions.setNonProxyHosts(nonProxyHosts(options.noProxy()));
        });
        this.tls = vertx.httpClientBuilder().with(tlsOptions).with(pool).build();
    }

    /**
     * Sends one request. The future fails with {@link LoopbackGuard.OutboundRefusedException}
     * before any connection when the guard refuses the host. {@code onRequest} sees the request
     * before it is sent, so deadlines can reset it.
     */
    public Future<HttpClientResponse> send(HttpMethod method, URI url, MultiMap headers, Buffer body, long connectTimeoutMs,
                                           Consumer<HttpClientRequest> onRequest) {
        return send(method, url, "", headers, body, connectTimeoutMs, onRequest);
    }

    /** As above, to {@code base} with {@code path} appended to its path (no URL parsing per call). */
    public Future<HttpClientResponse> send(HttpMethod method, URI base, String path, MultiMap headers, Buffer body,
                                           long connectTimeoutMs, Consumer<HttpClientRequest> onRequest) {
        URI url = base;
        String host = url.getHost();
        boolean secure = "https".equalsIgnoreCase(url.getScheme());
        try {
            guard.check(host);
            if (secure && options.httpsProxy().isPresent() && !exempt(host)) guard.check(options.httpsProxy().get().getHost());
        } catch (LoopbackGuard.OutboundRefusedException e) {
            return Future.failedFuture(e);
        }
        int port = url.getPort() > 0 ? url.getPort() : secure ? 443 : 80;
        String basePath = url.getRawPath() == null ? "" : url.getRawPath();
        String uri = basePath + path;
        if (uri.isEmpty()) uri = "/";
        if (url.getRawQuery() != null) uri = uri + "?" + url.getRawQuery();
        RequestOptions request = new RequestOptions()
                .setMethod(method)
                .setHost(host)
                .setPort(port)
                .setURI(uri)
                .setSsl(secure)
                .setHeaders(headers)
                .setFollowRedirects(false)
                .setConnectTimeout(connectTimeoutMs);
        return (secure ? tls : plain).request(request).compose(req -> {
            onRequest.accept(req);
            return body == null ? req.send() : req.send(body);
        });
    }

    private boolean exempt(String host) {
        if (LoopbackGuard.isLoopback(host)) return true;
        String h = host.toLowerCase(Locale.ROOT);
        for (String rule : options.noProxy()) {
            String r = rule.toLowerCase(Locale.ROOT);
            if (r.equals("*")) return true;
            if (r.startsWith("*.")) r = r.substring(1);
            if (h.equals(r) || (r.startsWith(".") && (h.endsWith(r) || h.equals(r.substring(1)))) || h.endsWith("." + r)) return true;
        }
        return false;
    }

    static List<String> nonProxyHosts(List<String> noProxy) {
        List<String> out = new ArrayList<>(List.of("localhost", "127.0.0.1", "::1", "[::1]", "*.localhost"));
        for (String rule : noProxy) {
            String r = rule.trim();
            if (r.startsWith(".")) {
                out.add("*" + r);
                out.add(r.substring(1));
            } else if (r.startsWith("*.")) {
                out.add(r);
                out.add(r.substring(2));
            } else {
                out.add(r);
                out.add("*." + r);
            }
        }
        return out;
    }

    /** The JDK's default trust anchors plus every certificate of the PEM bundle. */
    public static TrustManagerFactory trustWithExtraCa(Path pem) {
        try {
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (var tm : defaults.getTrustManagers()) {
                if (tm instanceof javax.net.ssl.X509TrustManager x) {
                    for (X509Certificate c : x.getAcceptedIssuers()) store.setCertificateEntry("default-" + n++, c);
                }
            }
            try (InputStream in = Files.newInputStream(pem)) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("extra-" + n++, c);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return tmf;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("UPSTREAM_CA_FILE cannot be read as a PEM bundle: " + e.getMessage(), e);
        }
    }

    public Future<Void> close() {
        return Future.all(plain.close(), tls.close()).mapEmpty();
    }
}
