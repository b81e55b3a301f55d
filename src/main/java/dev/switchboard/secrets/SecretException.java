package dev.switchboard.secrets;

/**
 * A secret that cannot be sealed, opened or keyed: a malformed keyring, a damaged key file, an
 * envelope for another purpose, an unknown key id, or an envelope that fails authentication.
 *
 * <p>Message only, and deliberately no cause: the exceptions underneath (base64 decoding, JSON
 * parsing) quote the offending input, which may be key material. Messages name key ids, purposes
 * and files, never plaintext or key bytes.
 */
public final class SecretException extends RuntimeException {

    public SecretException(String message) {
        super(message);
    }
}
