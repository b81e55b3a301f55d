package dev.switchboard.testing;

import dev.switchboard.provider.simulator.SimulatorServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of component tests that put the standalone simulator behind an in-process gateway: the
 * simulator starts first (so a subclass's {@code @BeforeAll} can put {@code sim.baseUrl()} in its
 * config and start {@code gw}), both stop after the class, and the simulator's record of
 * received requests and the gateway's routing state are cleared before each test.
 */
public abstract class SimulatorBackedTest {

    protected static SimulatorServer sim;
    protected static GatewayFixture gw;

    @BeforeAll
    static void startSimulator() {
        sim = SimulatorServer.start("127.0.0.1", 0, null);
    }

    @AfterAll
    static void stopBoth() {
        if (gw != null) gw.close();
        gw = null;
        sim.close();
    }

    @BeforeEach
    void clearSimulator() {
        sim.clear();
        if (gw != null) gw.resetRouting();
    }
}
