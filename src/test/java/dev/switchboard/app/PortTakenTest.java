package dev.switchboard.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.testing.GatewayFixture;
import dev.switchboard.transport.ClientDeadlines;
import dev.switchboard.transport.LoopbackGuard;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start whose port is taken, or whose file cannot be served as written, stops before it opens the store: a start reconciles its config file
 * into a store that other instances may share, and one that cannot serve must not change it.
 */
class PortTakenTest {

    @TempDir
    Path dataDir;

    @Test
    void aTakenPort_stopsTheStart_beforeTheStoreIsTouched() throws Exception {
        Path config = Files.writeString(dataDir.resolve("gateway.yaml"), """
                models:
                  m:
                    - { provider: simulator, upstreamModel: echo }
                """);
        Path data = dataDir.resolve("data");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Map<String, String> env = Map.of("PORT", Integer.toString(taken.getLocalPort()), "HOST", "127.0.0.1",
                    "MASTER_KEY", GatewayFixture.MASTER_KEY, "SWITCHBOARD_DATA_DIR", data.toString(), "SWITCHBOARD_CONFIG", config.toString());
            Gateway.Options options = new Gateway.Options(15_000, new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC(), 1,
                    new LoopbackGuard(true), Duration.ofSeconds(1), ClientDeadlines.DEFAULT);

            assertThatThrownBy(() -> Gateway.start(Settings.fromEnv(env), options)).isInstanceOf(SettingsException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (HOST, PORT): ");
        }
        assertThat(data.resolve("switchboard.db")).as("the store was never opened, so nothing was reconciled into it").doesNotExist();
    }

    @Test
    void aFileKeyThatIsTheMasterKey_stopsTheStart_beforeTheStoreIsTouched() throws Exception {
        Path config = Files.writeString(dataDir.resolve("gateway.yaml"), """
                keys:
                  - { name: ops, key: "%s", limits: { rpm: 1 } }
                """.formatted(GatewayFixture.MASTER_KEY));
        Path data = dataDir.resolve("data");
        Map<String, String> env = Map.of("PORT", "0", "HOST", "127.0.0.1", "MASTER_KEY", GatewayFixture.MASTER_KEY,
                "SWITCHBOARD_DATA_DIR", data.toString(), "SWITCHBOARD_CONFIG", config.toString());
        Gateway.Options options = new Gateway.Options(15_000, new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC(), 1,
                new LoopbackGuard(true), Duration.ofSeconds(1), ClientDeadlines.DEFAULT);

        assertThatThrownBy(() -> Gateway.start(Settings.fromEnv(env), options)).isInstanceOf(SettingsException.class)
                .hasMessage("SWITCHBOARD_CONFIG: keys[0].key is the MASTER_KEY; a virtual key needs a value of its own");
        assertThat(data.resolve("switchboard.db")).doesNotExist();
    }
}
