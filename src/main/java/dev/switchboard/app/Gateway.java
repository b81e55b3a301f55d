package dev.switchboard.app;

import dev.switchboard.admin.AdminApi;
import dev.switchboard.auth.Authenticator;
import dev.switchboard.auth.MasterKey;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.ConfigSnapshot;
import dev.switchboard.config.ConfigValidator;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.SnapshotBuilder;
import dev.switchboard.config.SnapshotHolder;
import dev.switchboard.http.GatewayVerticle;
import dev.switchboard.http.Routes;
import dev.switchboard.limit.Limiter;
import dev.switchboard.limit.LocalLimiter;
import dev.switchboard.limit.RedisLimiter;
import dev.switchboard.observe.Metrics;
import dev.switchboard.pipeline.Accounting;
import dev.switchboard.pipeline.Authenticate;
import dev.switchboard.pipeline.Drain;
import dev.switchboard.pipeline.Policy;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.ProviderRegistry;
import dev.switchboard.redis.RedisLink;
import dev.switchboard.routing.CircuitStore;
import dev.switchboard.routing.DeploymentHealth;
import dev.switchboard.routing.LocalCircuitStore;
import dev.switchboard.routing.RedisCircuitStore;
import dev.switchboard.store.CachedResponseStore;
import dev.switchboard.store.FileReconciler;
import dev.switchboard.store.Store;
import dev.switchboard.transport.ClientDeadlines;
import dev.switchboard.transport.IoTransport;
import dev.switchboard.transport.LoopbackGuard;
import dev.switchboard.transport.UpstreamOptions;
import dev.switchboard.usage.PriceCatalog;
import dev.switchboard.usage.UsageWriter;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.transport.Transport;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wiring: the one place that calls constructors. Starting builds the config snapshot, the
 * master key, Vert.x with one {@link GatewayVerticle} per event loop, and listens; draining flips
 * readiness to 503, stops accepting connections, gives in-flight requests and streams the grace
 * period, and closes.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    /** Knobs that are not settings of the contract: for tests and embedding. */
    public record Options(long pingMs, PrintStream stdout, Clock clock, int eventLoops, LoopbackGuard guard, Duration configPoll,
                          Duration clientIdle) {
        public static Options defaults() {
            // one event loop per core: every loop is busy under load, and more loops than cores only add
            // context switches (measured +7% at saturation on 2 cores against Vert.x's default of 2 × cores)
            return new Options(15_000, System.out, Clock.systemUTC(), Runtime.getRuntime().availableProcessors(),
                    LoopbackGuard.fromSystemProperties(), Duration.ofMillis(500), ClientDeadlines.DEFAULT);
        }

        public Options withPingMs(long ms) {
            return new Options(ms, stdout, clock, eventLoops, guard, configPoll, clientIdle);
        }
    }

    private static final Duration REDIS_START_WAIT = Duration.ofSeconds(3);

    private final Settings settings;
    private final Vertx vertx;
    private final Store store;
    private final ConfigSync sync;
    private final SnapshotHolder snapshots;
    /** The admin API's store work: blocking JDBC, one virtual thread per call. */
    private final ExecutorService blocking = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("switchboard-admin-", 0).factory());
    /** Stored Responses answers: cached, read on {@link #blocking}, written in batches. */
    private final CachedResponseStore responses;
    /** Usage records: queued by the event loops, written in batches to the store (spooled while it is away). */
    private final UsageWriter usage;
    /** Model prices, loaded once from the jar. */
    private final PriceCatalog prices = PriceCatalog.standard();
    /** Circuit state and load of every deployment, shared by the event loops. */
    private final DeploymentHealth health;
    /** Limits and budgets of keys and teams: a {@link RedisLimiter} shared by every instance when {@code REDIS_URL} is set. */
    private final Limiter limiter;
    /** Gives the limiter what the store's usage records say budgets have spent. */
    private final StoredSpendRefresh storedSpend;
    private final int port;
    private final Metrics metrics;
    /** Null without {@code REDIS_URL}. */
    private final RedisLink redis;
    private final CircuitStore circuits;
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final Drain drain = new Drain();
    /** How long streams ended at the end of the grace get to write their error event before the connections close. */
    private static final Duration STREAM_END_WAIT = Duration.ofSeconds(2);
    private final AtomicBoolean closed = new AtomicBoolean();

    private Gateway(Settings settings, Vertx vertx, Store store, ConfigSync sync, int port, Metrics metrics, RedisLink redis,
                    CircuitStore circuits, DeploymentHealth health, Limiter limiter, StoredSpendRefresh storedSpend) {
        this.health = health;
        this.limiter = limiter;
        this.storedSpend = storedSpend;
        this.settings = settings;
        this.vertx = vertx;
        this.store = store;
        this.sync = sync;
        this.snapshots = sync.snapshots();
        this.port = port;
        this.metrics = metrics;
        this.redis = redis;
        this.circuits = circuits;
        this.responses = new CachedResponseStore(store.responses(), blocking, 10_000, 1_024, Duration.ofMillis(200));
        this.usage = new UsageWriter(store.usage(), settings.dataDir().resolve(USAGE_SPOOL), USAGE_QUEUE, Duration.ofSeconds(1),
                Duration.ofSeconds(1));
        metrics.gauge("switchboard_usage_records_dropped", "usage records dropped since start because the usage queue was full",
                usage::dropped);
        metrics.gauge("switchboard_usage_records_queued", "usage records waiting for the writer", usage::queued);
    }

    /**
     * Usage records that may wait for the writer: about three seconds at the 2-core benchmark's
     * saturation (~30,000 requests a second), a few hundred bytes each. A tenth of that overflowed
     * once in the first seconds of load on a fresh JVM, while the writer's JDBC path was still
     * interpreted (the queue only fills while the writer falls behind).
     */
    static final int USAGE_QUEUE = 100_000;

    /** The spool file of usage records the store could not take, in the data dir. */
    public static final String USAGE_SPOOL = "usage-spool.jsonl";

    public static Gateway start(Settings settings) {
        return start(settings, Options.defaults());
    }

    public static Gateway start(Settings settings, Options options) {
        ProviderRegistry registry = ProviderRegistry.standard(options.clock());
        for (Provider provider : registry.all()) {
            // <PROVIDER>_BASE_URL follows the rule of a deployment's baseUrl
            String variable = provider.endpoint() == null ? null : provider.endpoint().baseUrlEnv();
            String url = variable == null ? null : settings.env().get(variable);
            String problem = url == null || url.isBlank() ? null : ConfigValidator.baseUrlProblem(url.strip());
            if (problem != null) throw new SettingsException(variable + " " + problem);
        }
        SnapshotBuilder builder = new SnapshotBuilder(registry, settings.env()::get, options.clock());
        GatewayConfig file = settings.configFile()
                .map(new ConfigLoader(settings.env()::get, new ConfigValidator(registry.ids(), PriceCatalog.standard()::pricesAlone))::load)
                .orElse(GatewayConfig.EMPTY);
        builder.build(file, 0); // a file deployment that cannot be served stops the start, naming it
        for (int i = 0; i < file.keys().size(); i++) {
            // the master key would win: the file's key, its limits and its budget would never apply
            if (settings.masterKey().isPresent() && settings.masterKey().get().equals(file.keys().get(i).key())) {
                throw new SettingsException("SWITCHBOARD_CONFIG: keys[" + i + "].key is the MASTER_KEY; a virtual key needs a value of its own");
            }
        }
        if (!file.laterSections().isEmpty()) {
            LOG.warn("config file sections not used by this build, kept as written: {}", String.join(", ", file.laterSections().keySet()));
        }
        settings.upstreamCaFile().ifPresent(ca -> {
            try {
                dev.switchboard.transport.OutboundConnector.trustWithExtraCa(ca);
            } catch (IllegalArgumentException e) {
                throw new SettingsException(e.getMessage());
            }
        });
        Transport transport;
        try {
            transport = IoTransport.choose();
        } catch (IllegalArgumentException e) {
            throw new SettingsException(e.getMessage());
        }
        if (settings.port() != 0) portFree(settings.host(), settings.port());
        Store store = Stores.open(settings, options.clock());
        ConfigSync sync;
        try {
            // No file, nothing to reconcile: an instance started without SWITCHBOARD_CONFIG beside
            // others that load one must not remove their entries (an empty file removes them)
            if (settings.configFile().isPresent()) new FileReconciler(store, options.stdout()).reconcile(file);
            byte[] master = MasterKey.establish(settings.masterKey(), store, settings.dataDir(), options.stdout());
            sync = new ConfigSync(store, builder, options.configPoll(), settings.masterKey().isPresent() ? master : null);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        SnapshotHolder snapshots = sync.snapshots();
        ConfigSnapshot snapshot = snapshots.get();
        int port = settings.port() == 0 ? freePort() : settings.port();

        Vertx vertx = Vertx.builder()
                .withTransport(transport)
                .with(new VertxOptions().setEventLoopPoolSize(options.eventLoops()).setDisableTCCL(true))
                .build();
        Metrics metrics = new Metrics();
        RedisLink redis = settings.redisUrl().map(url -> new RedisLink(vertx, url)).orElse(null);
        CircuitStore circuits = redis == null ? new LocalCircuitStore() : new RedisCircuitStore(redis, RedisCircuitStore.Names.DEFAULT, metrics);
        // limits and budgets follow the router's redisFailure as it is when Redis is found unreachable
        Limiter limiter;
        if (redis == null) {
            limiter = new LocalLimiter(options.clock());
        } else {
            limiter = new RedisLimiter(redis, RedisLimiter.Names.DEFAULT, options.clock(), metrics,
                    () -> !"closed".equals(snapshots.get().router().redisFailure()));
        }
        if (redis != null) {
            metrics.gauge("switchboard_redis_up", "1 while Redis (REDIS_URL) answers, else 0", () -> redis.up() ? 1 : 0);
            awaitRedis(redis, (RedisCircuitStore) circuits);
        } else {
            RedisCircuitStore.fallbackCounter(metrics);
            RedisLimiter.fallbackCounter(metrics);
        }
        RandomGenerator random = () -> ThreadLocalRandom.current().nextLong();
        Gateway gateway = new Gateway(settings, vertx, store, sync, port, metrics, redis, circuits,
                new DeploymentHealth(circuits, options.clock(), random), limiter,
                new StoredSpendRefresh(snapshots, store.usage(), limiter, options.clock()));
        try {
            gateway.storedSpend.start(); // before serving: a restart does not hand a budget out again
            sync.beforePublish(gateway.storedSpend::onSnapshot);
            if (limiter instanceof RedisLimiter shared) shared.rereadStoredSpendOnOutage(gateway.storedSpend::refreshNow);
            if (redis != null) {
                redis.addListener(new RedisLink.Listener() {
                    @Override
                    public void up() {
                        gateway.storedSpend.refreshNow();
                    }

                    @Override
                    public void down(Throwable cause) {}
                });
            }
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
        HttpServerOptions serverOptions = ClientDeadlines.serverOptions(new HttpServerOptions(), options.clientIdle())
                .setTcpNoDelay(true)
                .setCompressionSupported(false)
                // no WebSocket routes: without these Vert.x puts a WebSocket extension handler in
                // every connection's pipeline, which every request passes through
                .setPerFrameWebSocketCompressionSupported(false)
                .setPerMessageWebSocketCompressionSupported(false)
                // every handler, and the upstream call it makes, runs on the connection's own event loop
                .setStrictThreadMode(true);
        // No automatic 100 Continue (Vert.x's default): vertx-web's BodyHandler sends it, once, after
        // checking the declared length against MAX_BODY_BYTES, so a body too large gets its 413 uninvited.
        if (settings.tlsCertFile().isPresent()) {
            PemKeyCertOptions pem = new PemKeyCertOptions()
                    .setCertPath(settings.tlsCertFile().get().toString())
                    .setKeyPath(settings.tlsKeyFile().orElseThrow().toString());
            try {
                TlsFiles.check(vertx, pem);
            } catch (SettingsException e) {
                gateway.close();
                throw e;
            }
            serverOptions.setSsl(true).setUseAlpn(true).setKeyCertOptions(pem);
        }
        int perLoop = Math.ceilDiv(settings.upstreamMaxConnections(), options.eventLoops());
        UpstreamOptions upstream = new UpstreamOptions(perLoop, 8, 4096, settings.httpsProxy(), settings.noProxy(),
                settings.upstreamCaFile(), options.guard());
        GatewayVerticle.Shared shared = new GatewayVerticle.Shared(serverOptions, settings.host(), port, upstream,
                new Authenticate(snapshots, new Authenticator(options.clock())),
                new GatewayVerticle.RoutesConfig(settings.maxBodyBytes(), settings.corsOrigins(), options.pingMs(), gateway::notReady,
                        new AdminApi.Deps(store, sync, new ConfigValidator(registry.ids(), PriceCatalog.standard()::pricesAlone), builder, options.clock(), gateway.blocking),
                        gateway.responses, options.clock(),
                        new Routes.Operations(metrics, settings.metricsToken().orElse(null), gateway::readinessDetails),
                        new Accounting(gateway.usage, gateway.prices, options.clock()), gateway.drain),
                gateway.health, random, new Policy(gateway.limiter, gateway.prices),
                gateway.servers::add);
        try {
            vertx.deployVerticle(() -> new GatewayVerticle(shared), new DeploymentOptions().setInstances(options.eventLoops()))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            gateway.close();
            Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
            // a bind or an address that does not resolve is the settings' fault; anything else is not
            if (cause instanceof java.io.IOException || cause instanceof java.nio.channels.UnresolvedAddressException) {
                throw cannotListen(settings.host(), port, cause.getMessage());
            }
            throw new SettingsException("cannot start the HTTP server on " + settings.host() + ":" + port + ": " + cause.getMessage());
        }
        sync.start();
        LOG.info("Switchboard listening on {}://{}:{} ({} event loops on {}, {} public models, store {})",
                settings.tlsCertFile().isPresent() ? "https" : "http", settings.host(), port, options.eventLoops(), IoTransport.name(transport),
                snapshot.models().size(), store.display());
        return gateway;
    }

    public int port() {
        return port;
    }

    public SnapshotHolder snapshots() {
        return snapshots;
    }

    public boolean draining() {
        return drain.draining();
    }

    public DeploymentHealth health() {
        return health;
    }

    public Store store() {
        return store;
    }

    /**
     * Circuit-breaker state: a {@link RedisCircuitStore} shared with the other instances when
     * {@code REDIS_URL} is set, else a {@link LocalCircuitStore}. The verticles get the same object
     * through {@link GatewayVerticle.Shared#circuits()}.
     */
    public CircuitStore circuits() {
        return circuits;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** Where usage records go; {@link UsageWriter#dropped()} counts what a full queue turned away. */
    public UsageWriter usage() {
        return usage;
    }

    public PriceCatalog prices() {
        return prices;
    }

    /** Why readiness is 503 now, or null when ready. */
    String notReady() {
        if (drain.draining()) return "draining";
        if (!sync.storeUp()) return "store_unavailable";
        if (redis != null && !redis.up() && "closed".equals(snapshots.get().router().redisFailure())) return "redis_unavailable";
        return null;
    }

    /** What readiness says about Redis: nothing without {@code REDIS_URL}. */
    Map<String, String> readinessDetails() {
        if (redis == null) return Map.of();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("redis", redis.up() ? "up" : "degraded");
        details.put("circuitStore", circuits.mode());
        if (limiter instanceof RedisLimiter shared) details.put("limiter", shared.mode());
        return details;
    }

    /**
     * Gives Redis a short while at start (the first connection and the circuit resync); without
     * an answer the gateway starts anyway, its circuit state in process until Redis answers.
     */
    private static void awaitRedis(RedisLink redis, RedisCircuitStore circuits) {
        boolean synced;
        try {
            synced = redis.start().compose(up -> up ? circuits.firstSync() : Future.succeededFuture(false))
                    .toCompletionStage().toCompletableFuture().get(REDIS_START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            synced = false;
        }
        if (!synced) circuits.startedWithoutRedis();
    }

    /** Flips readiness to 503; true the first time. The rest of {@link #drain()} follows it. */
    boolean beginDrain() {
        return drain.begin();
    }

    /**
     * The SIGTERM path: readiness answers 503 at once, listeners stop accepting, in-flight
     * requests and streams get {@code SHUTDOWN_GRACE_SECONDS}, then everything closes.
     */
    public void drain() {
        if (!beginDrain()) return;
        Duration grace = Duration.ofSeconds(settings.shutdownGraceSeconds());
        LOG.info("draining: readiness is 503, no new connections, up to {}s for in-flight requests", grace.toSeconds());
        long start = System.nanoTime();
        try {
            drain.stopAccepting();
            if (!drain.awaitIdle(grace)) {
                int ended = drain.endOpenStreams();
                if (ended > 0) {
                    LOG.warn("shutdown grace is over: {} open streams end with an error event", ended);
                    drain.awaitIdle(STREAM_END_WAIT);
                }
            }
            Duration left = grace.minusNanos(System.nanoTime() - start);
            Duration rest = left.isNegative() ? Duration.ZERO : left;
            Future.all(servers.stream().map(s -> s.shutdown(rest)).toList())
                    .toCompletionStage().toCompletableFuture().get(rest.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("drain did not finish cleanly: {}", e.toString());
        }
        close();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        // records still being counted on Vert.x's workers (a stream ended at the grace's end), before those stop
        if (!usage.awaitPromised(Duration.ofSeconds(5))) LOG.warn("usage records still being counted at close are lost");
        storedSpend.close();
        circuits.close();
        limiter.close();
        if (redis != null) redis.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("close did not finish cleanly: {}", e.toString());
        }
        sync.close();
        usage.close(); // writes (or spools) every record of the requests that ended, before the store closes
        responses.close(); // writes what is queued, before the store closes
        blocking.shutdown();
        store.close();
    }

    /**
     * Stops a start whose port is taken before it touches the store: the start reconciles its
     * config file into a store other instances may share, and a start that cannot listen must not
     * change the fleet's config (the listen itself comes later, once the store is open).
     */
    private static void portFree(String host, int port) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true); // a port left in TIME_WAIT by the last run is free, as Vert.x will find it
            probe.bind(new java.net.InetSocketAddress(host, port));
        } catch (java.io.IOException e) {
            throw cannotListen(host, port, e.getMessage());
        }
    }

    /** Names the settings at fault: an unresolvable {@code HOST} reads "Unresolved address" alone otherwise. */
    private static SettingsException cannotListen(String host, int port, String why) {
        return new SettingsException("cannot listen on " + host + ":" + port + " (HOST, PORT): " + why);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new SettingsException("PORT 0: no free port to listen on: " + e.getMessage());
        }
    }

}
