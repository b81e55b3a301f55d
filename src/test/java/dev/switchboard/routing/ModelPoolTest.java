package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.config.Timeouts;
import dev.switchboard.provider.Provider;
import dev.switchboard.provider.simulator.SimulatorProvider;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelPoolTest {

    private static final Provider SIM = new SimulatorProvider(Clock.systemUTC());
    private static final int DRAWS = 20_000;

    static Deployment deployment(String id, int weight) {
        DeploymentSpec spec = new DeploymentSpec(id, "general", "simulator", "echo-" + id, Map.of(), null, null, weight,
                null, null, null, null, null, Map.of(), true, "file");
        return new Deployment(spec, SIM, null, null, Timeouts.DEFAULTS);
    }

    /** How often each deployment id is picked over {@link #DRAWS} draws, as a share of all draws. */
    private static Map<String, Double> shares(ModelPool pool, Set<String> tried) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < DRAWS; i++) counts.merge(pool.pick(tried).id(), 1, Integer::sum);
        Map<String, Double> out = new HashMap<>();
        counts.forEach((id, n) -> out.put(id, n / (double) DRAWS));
        return out;
    }

    @Test
    void pick_emptyPool_isNull() {
        assertThat(new ModelPool("m", List.of()).pick(Set.of())).isNull();
    }

    @Test
    void pick_singleDeployment_isAlwaysIt_evenWhenTried() {
        Deployment only = deployment("a", 1);
        ModelPool pool = new ModelPool("m", List.of(only));
        assertThat(pool.pick(Set.of())).isSameAs(only);
        assertThat(pool.pick(Set.of("a"))).isSameAs(only);
    }

    @Test
    void pick_weightsOneAndThree_splitDrawsQuarterToThreeQuarters() {
        ModelPool pool = new ModelPool("m", List.of(deployment("light", 1), deployment("heavy", 3)));
        Map<String, Double> shares = shares(pool, Set.of());
        assertThat(shares.get("light")).isCloseTo(0.25, within(0.03));
        assertThat(shares.get("heavy")).isCloseTo(0.75, within(0.03));
    }

    @Test
    void pick_threeWeights_followTheirProportions() {
        ModelPool pool = new ModelPool("m", List.of(deployment("a", 1), deployment("b", 1), deployment("c", 2)));
        Map<String, Double> shares = shares(pool, Set.of());
        assertThat(shares.get("a")).isCloseTo(0.25, within(0.03));
        assertThat(shares.get("b")).isCloseTo(0.25, within(0.03));
        assertThat(shares.get("c")).isCloseTo(0.50, within(0.03));
    }

    @Test
    void pick_excludesTriedDeploymentsWhileUntriedRemain() {
        ModelPool pool = new ModelPool("m", List.of(deployment("a", 100), deployment("b", 1), deployment("c", 1)));
        Map<String, Double> shares = shares(pool, Set.of("a"));
        assertThat(shares).containsOnlyKeys("b", "c");
        assertThat(shares.get("b")).isCloseTo(0.5, within(0.03));
        assertThat(pool.pick(Set.of("a", "b")).id()).isEqualTo("c");
    }

    @Test
    void pick_everyDeploymentTried_drawsAmongAllByWeight() {
        ModelPool pool = new ModelPool("m", List.of(deployment("a", 1), deployment("b", 3)));
        Map<String, Double> shares = shares(pool, Set.of("a", "b"));
        assertThat(shares.get("a")).isCloseTo(0.25, within(0.03));
    }

    @Test
    void pick_triedIdsOfOtherPools_areIgnored() {
        ModelPool pool = new ModelPool("m", List.of(deployment("a", 1), deployment("b", 1)));
        assertThat(shares(pool, Set.of("elsewhere"))).containsOnlyKeys("a", "b");
    }

    @Test
    void pick_weightZero_neverChosenWhileAPositiveOneIsACandidate() {
        ModelPool pool = new ModelPool("m", List.of(deployment("off1", 0), deployment("on", 1), deployment("off2", 0)));
        assertThat(shares(pool, Set.of())).containsOnlyKeys("on");
        ModelPool withTried = new ModelPool("m", List.of(deployment("off", 0), deployment("tried", 1), deployment("on", 1)));
        assertThat(shares(withTried, Set.of("tried"))).containsOnlyKeys("on");
    }

    @Test
    void pick_onlyWeightZeroCandidatesLeft_areDrawnUniformly() {
        ModelPool allZero = new ModelPool("m", List.of(deployment("a", 0), deployment("b", 0)));
        Map<String, Double> shares = shares(allZero, Set.of());
        assertThat(shares.get("a")).isCloseTo(0.5, within(0.03));
        // the positive one was tried: the standby with weight 0 is what remains
        ModelPool standby = new ModelPool("m", List.of(deployment("main", 5), deployment("standby", 0)));
        assertThat(standby.pick(Set.of("main")).id()).isEqualTo("standby");
    }

    @Test
    void hasUntried_isTrueUntilEveryDeploymentWasTried() {
        ModelPool pool = new ModelPool("m", List.of(deployment("a", 1), deployment("b", 1)));
        assertThat(pool.hasUntried(Set.of())).isTrue();
        assertThat(pool.hasUntried(Set.of("a"))).isTrue();
        assertThat(pool.hasUntried(Set.of("a", "b"))).isFalse();
        assertThat(new ModelPool("m", List.of()).hasUntried(Set.of())).isFalse();
    }

    @Test
    void deployments_areACopyOfTheGivenList() {
        List<Deployment> list = new ArrayList<>(List.of(deployment("a", 1)));
        ModelPool pool = new ModelPool("m", list);
        list.add(deployment("b", 1));
        assertThat(pool.deployments()).extracting(Deployment::id).containsExactly("a");
    }
}
