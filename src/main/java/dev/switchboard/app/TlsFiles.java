package dev.switchboard.app;

import io.vertx.core.Vertx;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Collections;
import javax.net.ssl.X509KeyManager;

/**
 * Checks {@code TLS_CERT_FILE} and {@code TLS_KEY_FILE} at start, as the server will load them:
 * both must read as PEM, and the key must be the private key of the certificate. Without the
 * check a mismatched pair started "listening on https" and every handshake failed, logging nothing.
 */
final class TlsFiles {

    private static final byte[] PROBE = "switchboard tls pair check".getBytes(StandardCharsets.US_ASCII);

    private TlsFiles() {}

    /** @throws SettingsException naming the variable at fault */
    static void check(Vertx vertx, PemKeyCertOptions pem) {
        KeyStore store;
        X509KeyManager keys;
        try {
            store = pem.loadKeyStore(vertx);
            keys = (X509KeyManager) pem.getKeyManagerFactory(vertx).getKeyManagers()[0];
        } catch (Exception e) {
            throw new SettingsException("TLS_CERT_FILE and TLS_KEY_FILE must be a PEM certificate and its PEM private key: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                PrivateKey key = keys.getPrivateKey(alias);
                X509Certificate[] chain = keys.getCertificateChain(alias);
                if (key == null || chain == null || chain.length == 0) continue;
                String algorithm = signatureFor(key);
                if (algorithm == null) continue; // a key type this check cannot sign with: the handshake decides
                Signature signer = Signature.getInstance(algorithm);
                signer.initSign(key);
                signer.update(PROBE);
                byte[] signature = signer.sign();
                Signature verifier = Signature.getInstance(algorithm);
                verifier.initVerify(chain[0].getPublicKey());
                verifier.update(PROBE);
                if (!verifier.verify(signature)) {
                    throw new SettingsException("TLS_KEY_FILE is not the private key of the certificate in TLS_CERT_FILE ("
                            + chain[0].getSubjectX500Principal().getName() + ")");
                }
            }
        } catch (GeneralSecurityException e) {
            throw new SettingsException("TLS_KEY_FILE does not fit the certificate in TLS_CERT_FILE: " + e.getMessage());
        }
    }

    private static String signatureFor(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> null;
        };
    }
}
