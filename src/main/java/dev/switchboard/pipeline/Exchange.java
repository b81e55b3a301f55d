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
    private int refusedBeforeCall;
    private List<String> trace;
    private DeploymentHealth.Lease lease;
    private Admission.Ticket ticket;
    /** The input tokens counted when the request was admitted (0 when no quota needed them). */
    private long admittedInputTokens;
    /** Whether the answer's usage was settled ({@link #settled}); else {@link #finish} settles. */
    private boolean usageSettled;
    /** The response is over ({@link #finish}). */
    private boolean finished;
    private RateHeaders rateHeaders = RateHeaders.NONE;
    private final Cancellation cancellation = new Cancellation();
    /** The instance's drain, which ends what this request left running when the shutdown grace is over. */
    private Drain drain;
    private boolean endsAtGraceOver;
    // what settling records (Settle): set once each, on the request's event loop
    private Accounting accounting;
    private long startMillis;
    private String tags;
    private String model;
    private dev.switchboard.model.ChatRequest chatRequest;
    private long firstEventNanos = -1;
    private boolean accounted;
    /** Characters of text, reasoning and tool arguments streamed so far: an output estimate when no usage comes. */
    private long streamedChars;
    /** Whether a canonical stream's usage report has gone by; see {@link #usageReported}. */
    private boolean usageReported;
    /** The last usage a canonical stream's provider reported on the way; see {@link #usageSoFar}. */
    private dev.switchboard.model.Usage usageSoFar;

    Exchange(String requestId, long startNanos, boolean traceRequested) {
        this.requestId = requestId;
        this.startNanos = startNanos;
        this.traceRequested = traceRequested;
    }

    void drain(Drain drain) {
        this.drain = drain;
    }

    /**
     * {@code end} runs, on the draining thread, if the instance's shutdown grace is over before
     * this request has ended: a committed stream ends with an error event instead of a cut.
     */
    public void onGraceOver(Runnable end) {
        if (drain == null) return;
        drain.atGraceOver(this, end);
        endsAtGraceOver = true;
    }

    void accounting(Accounting accounting, long startMillis, String tags) {
        this.accounting = accounting;
        this.startMillis = startMillis;
        this.tags = tags;
    }

    public Accounting accounting() {
        return accounting;
    }

    /** When the request arrived, epoch milliseconds by the gateway's clock. */
    public long startMillis() {
        return startMillis;
    }

    /** The raw {@code x-switchboard-tags} header, or null. */
    String tags() {
        return tags;
    }

    /** The public model the client asked for (before any fallback), once the attempts began. */
    public String model() {
        return model;
    }

    void model(String model) {
        if (this.model == null) this.model = model;
    }

    /**
     * The chat request as dispatched (a key's {@code maxTokensPerRequest} applied), kept to
     * estimate its tokens when the provider reports none; null before dispatch.
     */
    public dev.switchboard.model.ChatRequest chatRequest() {
        return chatRequest;
    }

    void chatRequest(dev.switchboard.model.ChatRequest request) {
        this.chatRequest = request;
    }

    /** A stream's first event arrived (the attempt that answers was primed). */
    void firstEvent() {
        if (firstEventNanos < 0) firstEventNanos = System.nanoTime();
    }

    /** Milliseconds from arrival to the first streamed event, or -1 for a complete answer. */
    long firstEventMillis() {
        return firstEventNanos < 0 ? -1 : (firstEventNanos - startNanos) / 1_000_000;
    }

    long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Counts the text an upstream stream event carries, canonical or in a provider's own chunk shape. */
    void streamed(Object event) {
        switch (event) {
            case dev.switchboard.model.StreamEvent.TextDelta t -> streamedChars += t.text().length();
            case dev.switchboard.model.StreamEvent.ReasoningDelta r when r.text() != null -> streamedChars += r.text().length();
            case dev.switchboard.model.StreamEvent.ToolCallDelta c -> streamedChars += c.argumentsFragment().length();
            case dev.switchboard.model.StreamEvent.UsageReport u -> usageReported = true;
            case dev.switchboard.model.StreamEvent.UsageSoFar u -> usageSoFar = u.usage();
            case com.fasterxml.jackson.databind.JsonNode n -> streamedChars += nativeChars(n);
            default -> { }
        }
    }

    /** OpenAI chunks ({@code choices[].delta}: text, reasoning, refusal, tool arguments), Anthropic events ({@code delta}), Gemini chunks ({@code candidates[].content.parts[]}: text, function call arguments). */
    private static long nativeChars(com.fasterxml.jackson.databind.JsonNode n) {
        long chars = 0;
        for (com.fasterxml.jackson.databind.JsonNode c : n.path("choices")) {
            com.fasterxml.jackson.databind.JsonNode d = c.path("delta");
            chars += d.path("content").asText("").length() + d.path("reasoning_content").asText("").length() + d.path("refusal").asText("").length()
                    + c.path("text").asText("").length();
            for (com.fasterxml.jackson.databind.JsonNode t : d.path("tool_calls")) chars += t.path("function").path("arguments").asText("").length();
            chars += d.path("function_call").path("arguments").asText("").length(); // the deprecated single call
        }
        com.fasterxml.jackson.databind.JsonNode delta = n.path("delta");
        chars += delta.path("text").asText("").length() + delta.path("thinking").asText("").length() + delta.path("partial_json").asText("").length();
        for (com.fasterxml.jackson.databind.JsonNode c : n.path("candidates")) {
            for (com.fasterxml.jackson.databind.JsonNode p : c.path("content").path("parts")) {
                chars += p.path("text").asText("").length();
                if (p.path("functionCall").has("args")) chars += p.get("functionCall").get("args").toString().length(); // whole, in one part
            }
        }
        return chars;
    }

    /** What a canonical stream's provider has counted so far (its input, often), or null: the usage of a stream cut short. */
    dev.switchboard.model.Usage usageSoFar() {
        return usageSoFar;
    }

    /** Whether a canonical stream reported its usage yet. */
    boolean usageReported() {
        return usageReported;
    }

    /** Whether the stream carried output yet: text, reasoning or tool-call arguments. */
    boolean outputSeen() {
        return streamedChars > 0;
    }

    /** About four characters a token: what the stream carried so far, when its provider never counted it. */
    long streamedTokensEstimate() {
        return (streamedChars + 3) / 4;
    }

    /** True the first time: one usage record per request, whichever way it ends. */
    boolean markAccounted() {
        if (accounted) return false;
        accounted = true;
        return true;
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

    /** Attempt {@code n} begins, on {@code d}: what an earlier attempt streamed is none of its business. */
    void attempt(Deployment d, int n) {
        this.deployment = d;
        this.attempts = n;
        streamedChars = 0;
        usageReported = false;
        usageSoFar = null;
    }

    /** An attempt refused before its call (a parameter that deployment cannot take): no provider heard it. */
    void refusedBeforeCall() {
        refusedBeforeCall++;
    }

    /** Whether some attempt reached a provider. */
    boolean calledAProvider() {
        return attempts > refusedBeforeCall;
    }

    /** The attempt that answers, for what settling tells its deployment (tokens against its tpm limit). */
    void lease(DeploymentHealth.Lease lease) {
        this.lease = lease;
    }

    /**
     * Admission reserved {@code ticket}. Admission may complete after the response is over (a
     * shared limiter answers late, a long prompt is counted on a worker, and the client left
     * meanwhile): then nothing will settle it, so it is given back at once.
     */
    void ticket(Admission.Ticket ticket, long inputTokens) {
        if (finished) {
            ticket.settle(0, 0);
            return;
        }
        this.ticket = ticket;
        this.admittedInputTokens = inputTokens;
    }

    /** The input tokens admission counted for the caller's limits; 0 when nothing admitted the request. */
    long admittedInputTokens() {
        return admittedInputTokens;
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
        if (usage == null || usageSettled) return; // once: an answer racing its client's leaving is not counted twice
        usageSettled = true;
        long tokens = usage.inputTokens() + usage.outputTokens();
        if (lease != null) lease.tokens(tokens);
        if (ticket != null) {
            double usd = deployment == null || accounting == null ? 0
                    : accounting.prices().price(deployment).map(p -> p.cost(usage)).orElse(0.0);
            ticket.settle(tokens, usd);
        }
    }

    /**
     * The response is over. Usage settled: nothing left to do. A stream that began and never
     * reported usage (its client left, or it failed midway) settles an estimate: the input counted
     * at admission and about four characters a token of what it carried. A client that left before
     * any output has been settled already ({@link Settle#failed}: its prompt). Anything else (a
     * failure before any output) releases its reservation and is charged nothing.
     */
    void finish() {
        finished = true;
        if (endsAtGraceOver) drain.forget(this);
        if (usageSettled) return;
        if (firstEventNanos >= 0 && deployment != null) {
            settled(new Usage(admittedInputTokens, streamedTokensEstimate(), 0, 0, 0, true));
        } else if (ticket != null) {
            ticket.settle(0, 0);
        }
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
