package dev.switchboard.testing;

import dev.switchboard.provider.simulator.SimulatorServer;
import dev.switchboard.transport.Json;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.UUID;

/**
 * A Google service account made up for one test run: an RSA key pair generated now (no key is
 * committed anywhere), and the key file's JSON as Google issues it — {@code client_email},
 * {@code private_key} (PKCS#8 PEM), {@code private_key_id}, {@code token_uri} — pointing at the
 * simulator's token endpoint. {@link #trustedBy} registers its public key with the simulator.
 */
public record TestServiceAccount(String clientEmail, String keyId, KeyPair keys, String tokenUri) {

    public static TestServiceAccount create(String name, String tokenUri) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return new TestServiceAccount(name + "@sim-project.iam.gserviceaccount.com", UUID.randomUUID().toString().replace("-", ""),
                    g.generateKeyPair(), tokenUri);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new account whose public key {@code sim}'s token endpoint trusts. */
    public static TestServiceAccount trustedBy(SimulatorServer sim, String name) {
        TestServiceAccount a = create(name, sim.tokenUri());
        sim.trustServiceAccount(a.clientEmail(), a.keyId(), a.keys().getPublic());
        return a;
    }

    /** The same account and key id signing with another key: the token endpoint must refuse its JWTs. */
    public TestServiceAccount withForeignKey() {
        return new TestServiceAccount(clientEmail, keyId, create("other", tokenUri).keys(), tokenUri);
    }

    public String privateKeyPem() {
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPrivate().getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
    }

    /** The key file, as {@code credentials.serviceAccountJson} takes it. */
    public String json() {
        return Json.text(Json.object().put("type", "service_account").put("project_id", "sim-project")
                .put("private_key_id", keyId).put("private_key", privateKeyPem()).put("client_email", clientEmail)
                .put("client_id", "100000000000000000001").put("token_uri", tokenUri));
    }
}
