package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.config.Timeouts;
import dev.switchboard.provider.simulator.SimulatorProvider;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploymentTest {

    @Test
    void redact_masksTheDeploymentsSecrets_inAProvidersErrorForTheLog() {
        DeploymentSpec spec = new DeploymentSpec("dep_1", "m", "bedrock", "model", Map.of("accessKeyId", "AKIAEXAMPLE0123",
                "secretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "region", "us-east-1"), null, null,
                1, null, null, null, null, null, Map.of(), true, "file");
        Deployment d = new Deployment(spec, new SimulatorProvider(Clock.systemUTC()), URI.create("http://127.0.0.1:9"), "sk-upstream-LEAKME-123", Timeouts.DEFAULTS);

        String logged = d.redact("HTTP 401: {\"message\":\"Incorrect API key provided: Bearer sk-upstream-LEAKME-123; "
                + "signature of AKIAEXAMPLE0123 with wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY in us-east-1\"}");

        assertThat(logged).doesNotContain("sk-upstream-LEAKME-123", "AKIAEXAMPLE0123", "wJalrXUtnFEMI")
                .contains("Bearer [redacted]", "in us-east-1"); // a short value (a region) is no secret
        assertThat(d.redact(null)).isNull();
    }
}
