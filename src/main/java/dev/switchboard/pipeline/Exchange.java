package dev.switchboard.pipeline;

import dev.switchboard.auth.Principal;
import dev.switchboard.config.ConfigSnapshot;
import dev.switchboard.provider.Cancellation;
import dev.switchboard.limit.Admission;
import dev.switchboard.limit.RateHeaders;
import dev.switchboard.model.Usage;
import dev.switchboard.routing.Deployment;
import dev.switchboard.routing.DeploymentHealth;
import dev.switchboard.routing.FailureClass;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The state of one client request as it moves through the pipeline: its id, who is calling, the
 * snapshot it decides with, and the attempts made. Lives in the routing context; touched only on
 * the request's event loop.
 */
public final class Exchange {

    private static final String KEY = "switchboard.exchange";

    private final String requestId;
    private final long startNanos;
    private final boolean traceRequested;
    private long upstreamNanos;
    private long upstreamSince = -1;
    private ConfigSnapshot snapshot;
    private Principal principal;
    private Deployment deployment;
    private int attempts;
    private List<String> trace;
    private DeploymentHealth.Lease lease;
    private Admission.Ticket ticket;
    private RateHeaders rateHeaders = RateHeaders.NONE;
    private final Cancellation cancellation = new Cancellation();

    Exchange(String requestId, long startNanos, boolean traceRequested) {
        this.requestId = requestId;
        this.startNanos = startNanos;
        this.traceRequested = traceRequested;
    }

    public static Exchange of(RoutingContext ctx) {
        return ctx.get(KEY);
    }

    static void attach(RoutingContext ctx, Exchange ex) {
        ctx.put(KEY, ex);
    }

    /** Cancelled when the client goes away before the answer is committed. */
    public Cancellation cancellation() {
        return cancellation;
    }

    public String requestId() {
        return requestId;
    }

    public ConfigSnapshot snapshot() {
        return snapshot;
    }

    void snapshot(ConfigSnapshot s) {
        this.snapshot = s;
    }

    public Principal principal() {
        return principal;
    }

    void principal(Principal p) {
        this.principal = p;
    }

    public Deployment deployment() {
        return deployment;
    }

    public int attempts() {
        return attempts;
    }

    void attempt(Deployment d, int n) {
        this.deployment = d;
        this.attempts = n;
    }

    /** The attempt that answers, for what settling tells its deployment (tokens against its tpm limit). */
    void lease(DeploymentHealth.Lease lease) {
        this.lease = lease;
    }

    void ticket(Admission.Ticket ticket) {
        this.ticket = ticket;
    }

    void rateHeaders(RateHeaders headers) {
        this.rateHeaders = headers;
    }

    /** The caller's {@code x-ratelimit-*} figures, as admission left them. */
    public RateHeaders rateHeaders() {
        return rateHeaders;
    }

    /**
     * The answer's usage is known (for a stream, what it reported before it ended): counted against
     * the deployment that served it, and settled against the caller's limits and budget.
     */
    void settled(Usage usage) {
        if (usage == null) return;
        long tokens = usage.inputTokens() + usage.outputTokens();
        if (lease != null) lease.tokens(tokens);
        if (ticket != null) ticket.settle(tokens, deployment == null ? 0 : Policy.cost(deployment, usage));
    }

    /** The response is over: whatever was reserved and not settled by usage (a failure) is released. */
    void finish() {
        if (ticket != null) ticket.settle(0, 0);
    }

    void upstreamBegin() {
        upstreamSince = System.nanoTime();
    }

    void upstreamEnd() {
        if (upstreamSince >= 0) {
            upstreamNanos += System.nanoTime() - upstreamSince;
            upstreamSince = -1;
        }
    }

    /** The gateway's own time so far: wall time minus time spent waiting on upstreams. */
    public long overheadNanos() {
        long upstream = upstreamNanos + (upstreamSince >= 0 ? System.nanoTime() - upstreamSince : 0);
        return Math.max(0, System.nanoTime() - startNanos - upstream);
    }

    void record(Deployment d, FailureClass failure, int status, long millis) {
        if (!traceRequested) return;
        if (trace == null) trace = new ArrayList<>(2);
        trace.add(d.id() + ":" + (failure == null ? "ok" : failure.name().toLowerCase(java.util.Locale.ROOT)) + ":" + status + ":" + millis);
    }

    /** The {@code x-switchboard-trace} value, or null when not asked for. */
    public String trace() {
        return traceRequested && trace != null ? String.join(";", trace) : null;
    }
}
