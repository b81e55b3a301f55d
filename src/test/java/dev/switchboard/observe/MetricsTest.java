package dev.switchboard.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void rendersCountersAndGauges_sortedByName_inThePrometheusTextFormat() {
        Metrics m = new Metrics();
        AtomicLong up = new AtomicLong(1);
        m.gauge("b_up", "Whether it is up", up::get);
        Metrics.Counter c = m.counter("a_total", "Things counted");
        c.increment();
        c.increment();

        assertThat(m.render()).isEqualTo("""
                # HELP a_total Things counted
                # TYPE a_total counter
                a_total 2
                # HELP b_up Whether it is up
                # TYPE b_up gauge
                b_up 1
                """);
        up.set(0);
        assertThat(m.render()).contains("\nb_up 0\n");
    }

    @Test
    void aCounterRegisteredTwice_isTheSameCounter_aGaugeTwiceOrABadNameFails() {
        Metrics m = new Metrics();
        m.counter("x_total", "x").increment();
        assertThat(m.counter("x_total", "x").get()).isEqualTo(1);
        m.gauge("g", "g", () -> 1);
        assertThatThrownBy(() -> m.gauge("g", "g", () -> 2)).hasMessageContaining("g");
        assertThatThrownBy(() -> m.counter("g", "g")).hasMessageContaining("gauge");
        assertThatThrownBy(() -> m.counter("bad-name", "x")).hasMessageContaining("bad-name");
    }
}
