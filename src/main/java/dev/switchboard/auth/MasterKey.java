package dev.switchboard.auth;

import dev.switchboard.store.Store;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Settles the operator's master key, of which only the SHA-256 is ever kept, in the store, so
 * instances sharing a store share it. {@code MASTER_KEY} wins (and its hash replaces the stored
 * one); otherwise the stored hash is used; otherwise one is generated, and printed once on stdout
 * as {@code Master key: <key>} by the instance whose write won. A hash kept in the data dir by an
 * earlier build ({@code master-key.sha256}) is moved into the store.
 */
public final class MasterKey {

    static final String LEGACY_FILE = "master-key.sha256";

    private MasterKey() {}

    /** @return the SHA-256 of the master key now in force */
    public static byte[] establish(Optional<String> fromEnv, Store store, Path dataDir, PrintStream stdout) {
        if (fromEnv.isPresent()) {
            byte[] hash = KeyHash.sha256(fromEnv.get());
            boolean same = store.read(tx -> tx.masterKey().hash()).map(h -> KeyHash.matches(h, hash)).orElse(false);
            if (!same) store.write(tx -> {
                tx.masterKey().set(hash);
                return null;
            });
            return hash;
        }
        Optional<byte[]> stored = store.read(tx -> tx.masterKey().hash());
        if (stored.isPresent()) return stored.get();
        Optional<byte[]> legacy = legacyHash(dataDir);
        String generated = legacy.isPresent() ? null : KeyHash.newKey("sk-sb-master-", 43);
        byte[] candidate = legacy.orElseGet(() -> KeyHash.sha256(generated));
        boolean ours = store.write(tx -> tx.masterKey().setIfAbsent(candidate));
        if (!ours) return store.read(tx -> tx.masterKey().hash()).orElseThrow();
        if (generated != null) {
            stdout.println("Master key: " + generated);
            stdout.flush();
        }
        return candidate;
    }

    private static Optional<byte[]> legacyHash(Path dataDir) {
        Path file = dataDir.resolve(LEGACY_FILE);
        try {
            if (!Files.exists(file)) return Optional.empty();
            String hex = Files.readString(file).trim();
            return hex.matches("[0-9a-f]{64}") ? Optional.of(HexFormat.of().parseHex(hex)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
