package dev.switchboard.provider.simulator;

import static dev.switchboard.provider.simulator.SimulatorEngineTest.ENGINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.model.EmbeddingRequest;
import dev.switchboard.model.EmbeddingResponse;
import dev.switchboard.model.Usage;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimulatorEngineEmbedTest {

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return Math.sqrt(s);
    }

    @Test
    void embed_withoutDimensions_givesOneUnitVectorOf8PerInputInOrder() {
        EmbeddingResponse r = ENGINE.embed(new EmbeddingRequest("emb", List.of("alpha", "beta", "gamma"), null, null));
        assertThat(r.vectors()).hasSize(3).allSatisfy(v -> {
            assertThat(v).hasSize(8);
            assertThat(norm(v)).isCloseTo(1.0, within(1e-5));
        });
        assertThat(r.vectors().get(0)).isEqualTo(ENGINE.embed(new EmbeddingRequest("emb", List.of("alpha"), null, null)).vectors().get(0));
        assertThat(r.vectors().get(2)).isEqualTo(ENGINE.embed(new EmbeddingRequest("emb", List.of("gamma"), null, null)).vectors().get(0));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 32, 33, 256, 1536})
    void embed_withDimensions_givesUnitVectorsOfThatSize(int dims) {
        EmbeddingResponse r = ENGINE.embed(new EmbeddingRequest("emb", List.of("some text", ""), dims, null));
        assertThat(r.vectors()).allSatisfy(v -> {
            assertThat(v).hasSize(dims);
            assertThat(norm(v)).isCloseTo(1.0, within(1e-4));
        });
    }

    @Test
    void embed_sameInput_isDeterministicAcrossEnginesAndClocks() {
        SimulatorEngine other = new SimulatorEngine(Clock.systemUTC());
        EmbeddingRequest req = new EmbeddingRequest("emb", List.of("the same text"), 64, null);
        assertThat(other.embed(req).vectors().getFirst()).isEqualTo(ENGINE.embed(req).vectors().getFirst());
    }

    @Test
    void embed_differentInputs_giveDifferentVectors() {
        EmbeddingResponse r = ENGINE.embed(new EmbeddingRequest("emb", List.of("cat", "dog"), 16, null));
        assertThat(r.vectors().get(0)).isNotEqualTo(r.vectors().get(1));
    }

    @Test
    void embed_usage_isWordCountOfAllInputs() {
        EmbeddingResponse r = ENGINE.embed(new EmbeddingRequest("emb", List.of("one two", " three ", ""), null, null));
        assertThat(r.usage()).isEqualTo(Usage.of(3, 0));
    }
}
