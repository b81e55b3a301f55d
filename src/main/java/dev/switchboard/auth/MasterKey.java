package dev.switchboard.auth;

import dev.switchboard.app.SettingsException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The operator's master key, kept only as its SHA-256 hash. From {@code MASTER_KEY} when set;
 * otherwise generated on first start, printed once on stdout as {@code Master key: <key>}, and its
 * hash kept in the data dir ({@code master-key.sha256}) until the store holds it.
 */
public final class MasterKey {

    static final String FILE = "master-key.sha256";

    private final byte[] hash;

    private MasterKey(byte[] hash) {
        this.hash = hash;
    }

    public static MasterKey load(Optional<String> fromEnv, Path dataDir, PrintStream stdout) {
        if (fromEnv.isPresent()) return new MasterKey(KeyHash.sha256(fromEnv.get()));
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.exists(file)) {
                String hex = Files.readString(file).trim();
                if (!hex.matches("[0-9a-f]{64}")) throw new SettingsException("SWITCHBOARD_DATA_DIR holds a damaged " + FILE + "; remove it to generate a new master key");
                return new MasterKey(HexFormat.of().parseHex(hex));
            }
            String key = KeyHash.newKey("sk-sb-master-", 43);
            byte[] hash = KeyHash.sha256(key);
            Files.createDirectories(dataDir);
            Path tmp = dataDir.resolve(FILE + ".tmp");
            Files.writeString(tmp, HexFormat.of().formatHex(hash) + "\n", StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            stdout.println("Master key: " + key);
            stdout.flush();
            return new MasterKey(hash);
        } catch (IOException e) {
            throw new SettingsException("SWITCHBOARD_DATA_DIR cannot hold the master key hash: " + e.getMessage());
        }
    }

    public boolean matches(byte[] candidateHash) {
        return KeyHash.matches(hash, candidateHash);
    }
}
