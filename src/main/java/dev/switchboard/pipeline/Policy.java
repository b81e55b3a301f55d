package dev.switchboard.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.VirtualKey;
import dev.switchboard.config.ConfigSnapshot;
import dev.switchboard.config.FallbackSpec;
import dev.switchboard.config.Limits;
import dev.switchboard.config.TeamSpec;
import dev.switchboard.error.ErrorKind;
import dev.switchboard.error.GatewayError;
import dev.switchboard.limit.Admission;
import dev.switchboard.limit.Demand;
import dev.switchboard.limit.Limiter;
import dev.switchboard.limit.Quota;
import dev.switchboard.model.ChatRequest;
import dev.switchboard.model.GenerationParams;
import dev.switchboard.provider.WireFormat;
import dev.switchboard.routing.Deployment;
import dev.switchboard.routing.ModelPool;
import dev.switchboard.usage.PriceCatalog;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The policy step before any attempt: the key's {@code maxTokensPerRequest}, then admission by the
 * limits and budgets of the key and its team. An admitted request carries its ticket on the
 * {@link Exchange}; settling the request (its usage, or nothing when it failed) settles the ticket.
 * A caller without limits or budgets pays nothing here: no token counting, no limiter call.
 */
public final class Policy {

    private final Limiter limiter;
    private final PriceCatalog prices;

    public Policy(Limiter limiter, PriceCatalog prices) {
        this.limiter = limiter;
        this.prices = prices;
    }

    /**
     * The pool a caller may use: a key (or its team) with a budget may use only priced deployments,
     * since what it spends must be counted; 400 {@code model_unpriced} when none is left.
     */
    ModelPool priced(List<Quota> quotas, ModelPool pool) {
        boolean keyBudget = false;
        boolean teamBudget = false;
        for (Quota q : quotas) {
            if (!q.hasBudget()) continue;
            if (q.scope().startsWith("key:")) keyBudget = true;
            else teamBudget = true;
        }
        if (!keyBudget && !teamBudget) return pool;
        List<Deployment> priced = new ArrayList<>(pool.deployments().size());
        for (Deployment d : pool.deployments()) if (prices.price(d).isPresent()) priced.add(d);
        if (priced.size() == pool.deployments().size()) return pool;
        if (priced.isEmpty()) {
            throw new GatewayError(ErrorKind.MODEL_UNPRICED, "The model '" + pool.publicModel()
                    + "' has no price, and " + (keyBudget ? "this API key" : "this API key's team")
                    + " has a budget: its spend could not be counted.", "model", -1, false);
        }
        return new ModelPool(pool.publicModel(), priced);
    }

    /**
     * The public models the caller may call, sorted: those its key allows, with deployments, and
     * for a caller with a budget (its key's or its team's) a priced one (else every call is 400
     * model_unpriced). What the models lists of every format show.
     */
    public static List<String> callableModels(Exchange ex) {
        boolean budget = hasBudget(ex);
        List<String> names = new ArrayList<>();
        for (String name : new TreeSet<>(ex.snapshot().models().keySet())) {
            if (ex.principal().mayUse(name) && servable(ex, name, budget)) names.add(name);
        }
        return names;
    }

    /**
     * Whether the public model {@code name} has deployments, and, for a caller with a budget,
     * a priced one: what {@code GET /v1/models/{id}} answers for, as the list does.
     */
    public static boolean servable(Exchange ex, String name) {
        return servable(ex, name, hasBudget(ex));
    }

    private static boolean servable(Exchange ex, String name, boolean budget) {
        ModelPool pool = ex.snapshot().models().get(name);
        if (pool == null || pool.deployments().isEmpty()) return false;
        return !budget || pool.deployments().stream().anyMatch(d -> ex.accounting().prices().price(d).isPresent());
    }

    private static boolean hasBudget(Exchange ex) {
        return ex.accounting() != null && quotas(ex).stream().anyMatch(Quota::hasBudget);
    }

    /** The quotas of the caller: its key's, then its team's; empty for the master key and unlimited keys. */
    static List<Quota> quotas(Exchange ex) {
        VirtualKey key = ex.principal().key();
        if (key == null) return List.of();
        List<Quota> out = new ArrayList<>(2);
        Quota own = new Quota("key:" + key.id(), key.limits(), key.budget());
        if (own.counts()) out.add(own);
        if (key.teamId() != null) {
            TeamSpec team = ex.snapshot().teams().get(key.teamId());
            if (team != null) {
                Quota shared = new Quota("team:" + team.id(), team.limits(), team.budget());
                if (shared.counts()) out.add(shared);
            }
        }
        return out;
    }

    /** The field the client set its output limit in, for the {@code param} of a refusal. */
    private static String maxTokensField(WireFormat inbound, ObjectNode body) {
        return switch (inbound) {
            case OPENAI_RESPONSES -> "max_output_tokens";
            case GEMINI -> "generationConfig.maxOutputTokens";
            // the field that asks for more when a chat sends both
            case OPENAI_CHAT -> body != null && body.hasNonNull("max_completion_tokens")
                    && body.path("max_completion_tokens").asLong() >= body.path("max_tokens").asLong() ? "max_completion_tokens" : "max_tokens";
            default -> "max_tokens";
        };
    }

    /**
     * Applies {@code maxTokensPerRequest} to a chat, the key's or its team's, the smaller: more is
     * refused, none is set to it (in the canonical request, and in the client's own body for native
     * passthrough).
     */
    static ChatRequest capMaxTokens(Exchange ex, ChatRequest request, ObjectNode nativeBody, WireFormat inbound) {
        VirtualKey key = ex.principal().key();
        if (key == null) return request;
        Integer keyCap = key.limits() == null ? null : key.limits().maxTokensPerRequest();
        TeamSpec team = key.teamId() == null ? null : ex.snapshot().teams().get(key.teamId());
        Integer teamCap = team == null || team.limits() == null ? null : team.limits().maxTokensPerRequest();
        // both must admit it, as with every limit: the smaller cap holds
        boolean byTeam = teamCap != null && (keyCap == null || teamCap < keyCap);
        Integer cap = byTeam ? teamCap : keyCap;
        if (cap == null) return request;
        Integer asked = request.params().maxTokens();
        // a chat passed through keeps both fields when it sends both (max_completion_tokens is the
        // canonical one), and the provider may read either: the larger is what it may generate
        if (nativeBody != null && inbound == WireFormat.OPENAI_CHAT && nativeBody.hasNonNull("max_tokens")) {
            int legacy = nativeBody.get("max_tokens").asInt();
            if (asked == null || legacy > asked) asked = legacy;
        }
        if (asked != null) {
            if (asked > cap) {
                throw new GatewayError(ErrorKind.MAX_TOKENS_EXCEEDED, (byTeam ? "This API key's team allows at most " : "This API key allows at most ")
                        + cap + " output tokens per request; the request asks for " + asked + ".", maxTokensField(inbound, nativeBody), -1, false);
            }
            return request;
        }
        if (nativeBody != null) {
            switch (inbound) {
                case OPENAI_CHAT -> nativeBody.put("max_completion_tokens", cap);
                case OPENAI_RESPONSES -> nativeBody.put("max_output_tokens", cap);
                case ANTHROPIC_MESSAGES -> nativeBody.put("max_tokens", cap);
                // either spelling of the client's config (generation_config too): a second object beside it would be a conflict
                case GEMINI -> (dev.switchboard.provider.gemini.GeminiWire.field(nativeBody, "generationConfig") instanceof ObjectNode config
                        ? config : nativeBody.putObject("generationConfig"))
                        .put("maxOutputTokens", cap);
                default -> { }
            }
        }
        GenerationParams p = request.params();
        GenerationParams capped = new GenerationParams(p.temperature(), p.topP(), cap, p.stop(), p.seed(), p.n(),
                p.presencePenalty(), p.frequencyPenalty(), p.reasoningEffort());
        return new ChatRequest(request.model(), request.messages(), request.tools(), request.toolChoice(), request.parallelToolCalls(),
                capped, request.responseFormat(), request.stream(), request.includeUsage(), request.user());
    }

    /**
     * The {@code Retry-After} of a spent {@code total} budget, which never resets: every 429 carries
     * one (CONTRACT.md), and a day is the honest order of "not before someone raises it";
     * {@code x-should-retry: false} keeps SDKs from waiting it out.
     */
    static final long NO_RESET_RETRY_AFTER_MS = 86_400_000;

    /**
     * Admits the request by every quota, reserving its estimate; fails with 429
     * {@code rate_limit_exceeded} or {@code budget_exceeded}, or 503 {@code service_unavailable}
     * when shared limits cannot be checked and {@code redisFailure} is {@code closed}. {@code inputTokens} is counted only
     * when a quota needs it (a {@code tpm} or a budget), off the event loop when the prompt is long.
     */
    Future<Void> admit(Exchange ex, List<Quota> quotas, ModelPool pool, Supplier<Future<Long>> inputTokens, Integer maxTokens) {
        if (quotas.isEmpty()) return Future.succeededFuture();
        boolean tokens = false;
        boolean budget = false;
        for (Quota q : quotas) {
            tokens |= q.tpm() != null;
            budget |= q.hasBudget();
        }
        long output = maxTokens != null ? maxTokens : ex.snapshot().router().defaultOutputReservationTokens();
        if (!tokens && !budget) return admit(ex, quotas, 0, output, false, pool);
        boolean priced = budget;
        return inputTokens.get().compose(input -> admit(ex, quotas, input, output, priced, pool));
    }

    private Future<Void> admit(Exchange ex, List<Quota> quotas, long input, long output, boolean budget, ModelPool pool) {
        double usd = budget ? dearest(ex.snapshot(), pool, input, output) : 0;
        return limiter.admit(quotas, new Demand(input + output, usd)).compose(a -> {
            ex.rateHeaders(a.headers());
            return switch (a) {
                case Admission.Admitted ok -> {
                    ex.ticket(ok.ticket(), input);
                    yield Future.succeededFuture();
                }
                // not spent: what requests in flight reserved comes back as they end, so an SDK may retry shortly
                case Admission.Denied no when no.held() -> Future.failedFuture(GatewayError.of(ErrorKind.BUDGET_EXCEEDED,
                        "The rest of the budget of this " + holder(no)
                                + " is reserved by requests in flight; retry when they finish.")
                        .withRetryAfter(no.retryAfterMs(), false));
                case Admission.Denied no when no.budget() -> Future.failedFuture(GatewayError.of(ErrorKind.BUDGET_EXCEEDED,
                        "The budget of this " + holder(no) + " is spent for the current period.")
                        .withRetryAfter(no.retryAfterMs() >= 0 ? no.retryAfterMs() : NO_RESET_RETRY_AFTER_MS, true));
                case Admission.Denied no -> Future.failedFuture(GatewayError.of(ErrorKind.RATE_LIMIT_EXCEEDED,
                        "Rate limit of this " + holder(no) + " reached; retry after the indicated time.")
                        .withRetryAfter(no.retryAfterMs(), false));
                case Admission.Unavailable no -> Future.failedFuture(GatewayError.of(ErrorKind.SERVICE_UNAVAILABLE,
                        "Limits cannot be checked while Redis is unreachable (redisFailure: closed); try again shortly.").withRetryAfter(1000, false));
            };
        });
    }

    /** Whose limit or budget refused: the key's own or its team's, as a refusal's message says. */
    private static String holder(Admission.Denied no) {
        return no.scope().startsWith("team:") ? "team" : "API key";
    }

    /**
     * The estimate at the dearest priced deployment that may serve the request — the pool's, and
     * those of the models its fallback chains lead to: a reservation must not be short.
     */
    private double dearest(ConfigSnapshot snapshot, ModelPool pool, long input, long output) {
        double max = dearest(pool, input, output);
        for (FallbackSpec f : snapshot.fallbacks()) {
            if (!f.primaryModel().equals(pool.publicModel())) continue;
            for (String target : f.targets()) {
                ModelPool next = snapshot.models().get(target);
                if (next != null) max = Math.max(max, dearest(next, input, output));
            }
        }
        return max;
    }

    private double dearest(ModelPool pool, long input, long output) {
        double max = 0;
        for (Deployment d : pool.deployments()) {
            double cost = prices.price(d).map(p -> p.estimate(input, output)).orElse(0.0);
            max = Math.max(max, cost);
        }
        return max;
    }
}
