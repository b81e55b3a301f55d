package dev.switchboard.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoopbackGuardTest {

    private static final LoopbackGuard ON = new LoopbackGuard(true);
    private static final LoopbackGuard OFF = new LoopbackGuard(false);

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "127.255.255.255", "localhost", "LOCALHOST", "::1", "[::1]",
            "0:0:0:0:0:0:0:1", "[0:0:0:0:0:0:0:1]"})
    void check_loopbackLiteralWhenEnabled_passes(String host) {
        assertThat(LoopbackGuard.isLoopback(host)).isTrue();
        assertThatCode(() -> ON.check(host)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "192.168.1.1", "172.16.0.1", "8.8.8.8", "api.openai.com", "127.0.0.1.nip.io",
            "0.0.0.0", "1270.0.0.1", "127.0.0.256", "127.0.0", "127.0.0.1.", "127..0.1", "127.0.0.-1", "127.0.0.1:80",
            "127.0.0.0001", "::", "::2", "[::2]", "::ffff:10.0.0.1", "localhost.evil.com", "mylocalhost", "", " 127.0.0.1"})
    void check_nonLoopbackWhenEnabled_isRefused(String host) {
        assertThat(LoopbackGuard.isLoopback(host)).isFalse();
        assertThatThrownBy(() -> ON.check(host))
                .isInstanceOf(LoopbackGuard.OutboundRefusedException.class)
                .hasMessageContaining("refused");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "127.0.0.\u0661",       // ARABIC-INDIC DIGIT ONE: a digit to Character.isDigit, a host name to a resolver
        "\u0661\u0662\u0667.0.0.1",
        "127.\uff10.0.1"        // FULLWIDTH DIGIT ZERO
    })
    void check_loopbackLookalikeWithNonAsciiDigits_isRefused(String host) {
        assertThat(LoopbackGuard.isLoopback(host)).isFalse();
        assertThatThrownBy(() -> ON.check(host)).isInstanceOf(LoopbackGuard.OutboundRefusedException.class);
    }

    @Test
    void check_refusal_namesTheHost() {
        assertThatThrownBy(() -> ON.check("api.openai.com")).hasMessageContaining("api.openai.com");
    }

    @Test
    void check_nullHostWhenEnabled_isRefused() {
        assertThat(LoopbackGuard.isLoopback(null)).isFalse();
        assertThatThrownBy(() -> ON.check(null)).isInstanceOf(LoopbackGuard.OutboundRefusedException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "api.openai.com", "0.0.0.0", "127.0.0.256", "127.0.0.1"})
    void check_whenDisabled_refusesNothing(String host) {
        assertThatCode(() -> OFF.check(host)).doesNotThrowAnyException();
    }

    @Test
    void enabled_reflectsConstructorArgument() {
        assertThat(ON.enabled()).isTrue();
        assertThat(OFF.enabled()).isFalse();
    }

    @Test
    void fromSystemProperties_readsTheLoopbackOnlyProperty() {
        // surefire sets switchboard.outbound.loopbackOnly=true for every test run
        assertThat(LoopbackGuard.fromSystemProperties().enabled()).isEqualTo(Boolean.getBoolean(LoopbackGuard.PROPERTY));
    }
}
