package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.config.Pricing;
import dev.switchboard.config.Timeouts;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.simulator.SimulatorProvider;
import dev.switchboard.routing.DeploymentHealth.Choice;
import dev.switchboard.testing.TestClock;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Choosing a deployment: circuits, fullness, probes and the strategies, on a clock the test moves. */
class DeploymentHealthTest {

    private static final Provider SIM = new SimulatorProvider(Clock.systemUTC());
    private static final CircuitPolicy POLICY = new CircuitPolicy(3, 60_000, 5_000, 300_000, 60_000);

    private final TestClock clock = new TestClock();
    private final DeploymentHealth health = new DeploymentHealth(new LocalCircuitStore(), clock, new SplittableRandom(42));

    static Deployment deployment(String id, int weight, String account, Long rpm, Long tpm, Integer maxConcurrency, Pricing pricing) {
        DeploymentSpec spec = new DeploymentSpec(id, "m", "openai", "model-" + id, Map.of("apiKey", account), "http://127.0.0.1:9/v1", null,
                weight, rpm, tpm, maxConcurrency, pricing, null, Map.of(), true, "file");
        return new Deployment(spec, SIM, java.net.URI.create("http://127.0.0.1:9/v1"), account, Timeouts.DEFAULTS);
    }

    static Deployment deployment(String id, int weight) {
        return deployment(id, weight, "key-" + id, null, null, null, null);
    }

    private Deployment pick(ModelPool pool, Strategy strategy) {
        return ((Choice.Pick) health.choose(pool, Set.of(), false, strategy)).deployment();
    }

    private Map<String, Double> shares(ModelPool pool, Strategy strategy, int draws) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < draws; i++) counts.merge(pick(pool, strategy).id(), 1, Integer::sum);
        Map<String, Double> out = new HashMap<>();
        counts.forEach((id, n) -> out.put(id, n / (double) draws));
        return out;
    }

    @Test
    void simpleShuffle_weights3to1_give75PercentOver2000Picks() {
        ModelPool pool = new ModelPool("m", List.of(deployment("heavy", 3), deployment("light", 1)));
        assertThat(shares(pool, Strategy.SIMPLE_SHUFFLE, 2_000).get("heavy")).isCloseTo(0.75, within(0.05));
    }

    @Test
    void weightZero_isNeverDrawn_unlessEveryCandidateHasIt() {
        ModelPool pool = new ModelPool("m", List.of(deployment("off", 0), deployment("on", 1)));
        assertThat(shares(pool, Strategy.SIMPLE_SHUFFLE, 500)).containsOnlyKeys("on");
        ModelPool allZero = new ModelPool("m", List.of(deployment("a", 0), deployment("b", 0)));
        assertThat(shares(allZero, Strategy.SIMPLE_SHUFFLE, 500)).containsOnlyKeys("a", "b");
    }

    @Test
    void weightZero_isAStandby_inEveryStrategy_drawnOnlyWhenNoWeightedDeploymentCanTakeTheRequest() {
        // the standby is the cheapest and (unmeasured) the fastest: every scoring strategy would prefer it
        Deployment standby = deployment("standby", 0, "k1", null, null, null, new Pricing(0.01, 0.01, null, null));
        Deployment weighted = deployment("weighted", 1, "k2", null, null, null, new Pricing(2.5, 10.0, null, null));
        ModelPool pool = new ModelPool("m", List.of(standby, weighted));
        for (Strategy s : Strategy.values()) {
            assertThat(shares(pool, s, 300)).as(s.wireName()).containsOnlyKeys("weighted");
        }
        Choice second = health.choose(pool, Set.of(weighted.circuitKey()), false, Strategy.COST_BASED);
        assertThat(((Choice.Pick) second).deployment()).as("the weighted one tried: the standby takes the retry").isSameAs(standby);
    }

    @Test
    void triedDeployments_areExcluded_andWhenAllAreTried_noneIsAvailableWithoutAWait() {
        Deployment a = deployment("a", 1);
        Deployment b = deployment("b", 1);
        ModelPool pool = new ModelPool("m", List.of(a, b));
        for (int i = 0; i < 50; i++) {
            assertThat(((Choice.Pick) health.choose(pool, Set.of(a.circuitKey()), false, Strategy.SIMPLE_SHUFFLE)).deployment()).isSameAs(b);
        }
        assertThat(health.choose(pool, Set.of(a.circuitKey(), b.circuitKey()), false, Strategy.SIMPLE_SHUFFLE))
                .isEqualTo(new Choice.NoneAvailable(0));
    }

    @Test
    void aCoolingDeployment_isSkipped_andNoneAvailableSaysWhenItReturns() {
        Deployment only = deployment("only", 1);
        ModelPool pool = new ModelPool("m", List.of(only));
        for (int i = 0; i < 3; i++) health.begin(only, POLICY, false).failed(FailureClass.TRANSIENT, -1);
        long opened = clock.millis();
        clock.advanceMillis(1_000);
        assertThat(health.choose(pool, Set.of(), false, Strategy.SIMPLE_SHUFFLE)).isEqualTo(new Choice.NoneAvailable(opened + 5_000));
    }

    @Test
    void afterTheCooldown_theRecoveredDeploymentGoesFirst_asTheOneProbe() {
        Deployment sick = deployment("sick", 1);
        Deployment well = deployment("well", 100);
        ModelPool pool = new ModelPool("m", List.of(sick, well));
        for (int i = 0; i < 3; i++) health.begin(sick, POLICY, false).failed(FailureClass.TRANSIENT, -1);
        assertThat(shares(pool, Strategy.SIMPLE_SHUFFLE, 200)).containsOnlyKeys("well");

        clock.advanceMillis(5_000);
        Choice first = health.choose(pool, Set.of(), false, Strategy.SIMPLE_SHUFFLE);
        assertThat(first).isEqualTo(new Choice.Pick(sick, true));
        assertThat(health.circuits().claimProbe(sick.circuitKey(), POLICY, clock.millis()).result()).isTrue();
        assertThat(health.circuits().claimProbe(sick.circuitKey(), POLICY, clock.millis()).result()).as("only one probe").isFalse();
        assertThat(shares(pool, Strategy.SIMPLE_SHUFFLE, 200)).as("while the probe is out").containsOnlyKeys("well");

        health.begin(sick, POLICY, true).answered(false);
        assertThat(health.circuits().state(sick.circuitKey()).clean()).isTrue();
        assertThat(shares(pool, Strategy.SIMPLE_SHUFFLE, 2_000)).containsKeys("sick", "well");
    }

    @Test
    void aProbeThatEndsWithoutAVerdict_givesTheProbeBack() {
        Deployment sick = deployment("sick", 1);
        for (int i = 0; i < 3; i++) health.begin(sick, POLICY, false).failed(FailureClass.TRANSIENT, -1);
        clock.advanceMillis(5_000);
        // the provider refused the request itself, the gateway failed it, the client left: nothing learnt
        for (Runnable end : List.<Runnable>of(
                () -> health.begin(sick, POLICY, true).failed(FailureClass.REQUEST, -1),
                () -> health.begin(sick, POLICY, true).failed(FailureClass.GATEWAY, -1),
                () -> health.begin(sick, POLICY, true).failed(FailureClass.THROTTLE, -1),
                () -> health.begin(sick, POLICY, true).release())) {
            assertThat(health.circuits().claimProbe(sick.circuitKey(), POLICY, clock.millis()).result()).isTrue();
            end.run();
            assertThat(health.circuits().state(sick.circuitKey()).probeAvailable(clock.millis())).as("the next request probes").isTrue();
        }
        // a probe that failed transiently re-opens the circuit; an attempt that was no probe gives nothing back
        assertThat(health.circuits().claimProbe(sick.circuitKey(), POLICY, clock.millis()).result()).isTrue();
        health.begin(sick, POLICY, false).release();
        assertThat(health.circuits().state(sick.circuitKey()).probeAvailable(clock.millis())).isFalse();
        health.begin(sick, POLICY, true).failed(FailureClass.TRANSIENT, -1);
        assertThat(health.circuits().state(sick.circuitKey()).cooling(clock.millis())).isTrue();
    }

    @Test
    void aThrottle_coolsEveryDeploymentOfThatProviderAccount_andOnlyThose() {
        Deployment first = deployment("first", 1, "shared-key", null, null, null, null);
        Deployment sibling = deployment("sibling", 1, "shared-key", null, null, null, null);
        Deployment other = deployment("other", 1, "other-key", null, null, null, null);
        ModelPool pool = new ModelPool("m", List.of(first, sibling, other));
        assertThat(health.begin(first, POLICY, false).failed(FailureClass.THROTTLE, 20_000)).as("the provider's Retry-After").isEqualTo(20_000);
        assertThat(shares(pool, Strategy.SIMPLE_SHUFFLE, 300)).containsOnlyKeys("other");
        clock.advanceMillis(20_000);
        assertThat(shares(pool, Strategy.SIMPLE_SHUFFLE, 600)).containsOnlyKeys("first", "sibling", "other");
    }

    @Test
    void requestAndGatewayFailures_costTheDeploymentNothing() {
        Deployment d = deployment("d", 1);
        for (int i = 0; i < 10; i++) {
            health.begin(d, POLICY, false).failed(FailureClass.REQUEST, -1);
            health.begin(d, POLICY, false).failed(FailureClass.GATEWAY, -1);
        }
        assertThat(health.circuits().state(d.circuitKey()).clean()).isTrue();
        assertThat(health.load(d).successRate()).isEqualTo(1.0);
        assertThat(health.load(d).inFlight()).isZero();
    }

    @Test
    void aConfigurationFailure_quarantinesAtOnce() {
        Deployment d = deployment("d", 1);
        health.begin(d, POLICY, false).failed(FailureClass.CONFIGURATION, -1);
        assertThat(health.choose(new ModelPool("m", List.of(d)), Set.of(), false, Strategy.SIMPLE_SHUFFLE))
                .isEqualTo(new Choice.NoneAvailable(clock.millis() + 300_000));
    }

    @Test
    void aDeploymentAtMaxConcurrency_isSkipped_untilALeaseIsReleased() {
        Deployment small = deployment("small", 1, "k1", null, null, 2, null);
        Deployment big = deployment("big", 1, "k2", null, null, null, null);
        ModelPool pool = new ModelPool("m", List.of(small, big));
        DeploymentHealth.Lease one = health.begin(small, POLICY, false);
        health.begin(small, POLICY, false);
        assertThat(shares(pool, Strategy.SIMPLE_SHUFFLE, 200)).containsOnlyKeys("big");
        one.release();
        one.release(); // idempotent: frees one slot, not two
        assertThat(health.load(small).inFlight()).isEqualTo(1);
        assertThat(shares(pool, Strategy.SIMPLE_SHUFFLE, 400)).containsKeys("small", "big");
    }

    @Test
    void aDeploymentAtItsRpmLimit_isSkipped_andFreesUpAMinuteAfterItsOldestRequest() {
        Deployment limited = deployment("limited", 1, "k", 3L, null, null, null);
        ModelPool pool = new ModelPool("m", List.of(limited));
        long start = clock.millis();
        for (int i = 0; i < 3; i++) {
            health.begin(limited, POLICY, false).release();
            clock.advanceMillis(10_000);
        }
        assertThat(health.choose(pool, Set.of(), false, Strategy.SIMPLE_SHUFFLE)).isEqualTo(new Choice.NoneAvailable(start + 60_000));
        clock.advanceMillis(60_000 - 30_000);
        assertThat(health.choose(pool, Set.of(), false, Strategy.SIMPLE_SHUFFLE)).isInstanceOf(Choice.Pick.class);
    }

    @Test
    void aDeploymentAtItsTpmLimit_isSkipped() {
        Deployment limited = deployment("limited", 1, "k", null, 1_000L, null, null);
        Deployment other = deployment("other", 1);
        DeploymentHealth.Lease lease = health.begin(limited, POLICY, false);
        lease.release();
        lease.tokens(1_000);
        assertThat(shares(new ModelPool("m", List.of(limited, other)), Strategy.SIMPLE_SHUFFLE, 200)).containsOnlyKeys("other");
    }

    @Test
    void costBased_picksTheCheapest_andAnUnpricedDeploymentLast() {
        Deployment cheap = deployment("cheap", 1, "k1", null, null, null, new Pricing(0.15, 0.60, null, null));
        Deployment dear = deployment("dear", 1, "k2", null, null, null, new Pricing(2.5, 10.0, null, null));
        Deployment unpriced = deployment("unpriced", 1);
        assertThat(shares(new ModelPool("m", List.of(dear, unpriced, cheap)), Strategy.COST_BASED, 300)).containsOnlyKeys("cheap");
        assertThat(shares(new ModelPool("m", List.of(dear, unpriced)), Strategy.COST_BASED, 300)).containsOnlyKeys("dear");
    }

    @Test
    void healthAware_prefersTheDeploymentThatSucceeds() {
        Deployment flaky = deployment("flaky", 1);
        Deployment steady = deployment("steady", 1);
        health.begin(flaky, POLICY, false).failed(FailureClass.TRANSIENT, -1);
        health.begin(flaky, POLICY, false).failed(FailureClass.TRANSIENT, -1); // two failures: closed still (allowedFails 3)
        health.begin(steady, POLICY, false).answered(false);
        assertThat(shares(new ModelPool("m", List.of(flaky, steady)), Strategy.HEALTH_AWARE, 300)).containsOnlyKeys("steady");
    }

    @Test
    void usageBased_prefersTheDeploymentWithMoreHeadroom() {
        Deployment busy = deployment("busy", 1, "k1", 100L, null, null, null);
        Deployment idle = deployment("idle", 1, "k2", 100L, null, null, null);
        for (int i = 0; i < 50; i++) health.begin(busy, POLICY, false).release();
        assertThat(shares(new ModelPool("m", List.of(busy, idle)), Strategy.USAGE_BASED, 300)).containsOnlyKeys("idle");
    }

    @Test
    void latencyBased_withOneDeployment5xSlower_sendsItUnder20Percent() {
        assertThat(slowShare(Strategy.LATENCY_BASED)).isLessThan(0.20);
    }

    @Test
    void leastBusy_withOneDeployment5xSlower_sendsItUnder20Percent() {
        assertThat(slowShare(Strategy.LEAST_BUSY)).isLessThan(0.20);
    }

    @Test
    void simpleShuffle_ignoresLatency_soTheSameSetupSplitsEvenly() {
        assertThat(slowShare(Strategy.SIMPLE_SHUFFLE)).isCloseTo(0.5, within(0.06));
    }

    /**
     * A discrete-event run on the test clock: 8 requests always in flight over a fast deployment
     * (20 ms) and a slow one (100 ms); each completion starts the next request. The share of the
     * 2,000 requests the slow deployment got.
     */
    private double slowShare(Strategy strategy) {
        Deployment fast = deployment("fast", 1);
        Deployment slow = deployment("slow", 1);
        ModelPool pool = new ModelPool("m", List.of(fast, slow));
        record Done(long atMs, DeploymentHealth.Lease lease) {}
        PriorityQueue<Done> running = new PriorityQueue<>((x, y) -> Long.compare(x.atMs, y.atMs));
        int slowPicks = 0;
        int started = 0;
        while (started < 2_000) {
            while (running.size() < 8 && started < 2_000) {
                Deployment d = pick(pool, strategy);
                if (d == slow) slowPicks++;
                started++;
                running.add(new Done(clock.millis() + (d == slow ? 100 : 20), health.begin(d, POLICY, false)));
            }
            Done next = running.poll();
            clock.advanceMillis(next.atMs - clock.millis());
            next.lease.answered(false);
            next.lease.release();
        }
        return slowPicks / 2_000.0;
    }
}
