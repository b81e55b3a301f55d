package dev.switchboard.secrets;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 keys that seal secrets, by key id, in the order the operator listed them: the first
 * seals, every one opens. Retiring a key is "put a new one first, run {@code switchboard encryption
 * rotate}, then drop the old one"; until the rotation has run, the old key must stay listed.
 *
 * <p>Immutable. The text form ({@code ENCRYPTION_KEYS}, or {@code encryption.key} in the data
 * directory) is {@code kid:base64key, kid2:base64key2}. Parsing is strict on its own, whatever
 * checked the text before, and its errors name the entry by kid or position, never by its key.
 */
public final class Keyring {

    static final String KEY_FILE = "encryption.key";
    private static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    // insertion order is the operator's order; the first entry is the active key
    private final Map<String, SecretKey> keys;

    private Keyring(LinkedHashMap<String, SecretKey> keys) {
        this.keys = Collections.unmodifiableMap(keys);
    }

    /** Parses {@code kid:base64key[, kid:base64key…]}; each key is base64 (standard or URL-safe) of exactly 32 bytes. */
    public static Keyring parse(String spec) {
        if (spec == null || spec.isBlank()) throw new SecretException("keyring is empty: expected kid:base64key[,kid:base64key…]");
        LinkedHashMap<String, SecretKey> keys = new LinkedHashMap<>();
        String[] entries = spec.split(",", -1);
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            int position = i + 1;
            if (entry.isEmpty()) throw new SecretException("keyring entry " + position + " is empty");
            int colon = entry.indexOf(':');
            // without a colon the whole entry may be a bare key: say where it is, not what it is
            if (colon < 0) throw new SecretException("keyring entry " + position + " is not kid:base64key");
            String kid = entry.substring(0, colon);
            if (!KID.matcher(kid).matches()) {
                throw new SecretException("keyring entry " + position + " has an invalid kid: expected 1 to 32 of A-Z a-z 0-9 _ -");
            }
            if (keys.containsKey(kid)) throw new SecretException("keyring lists kid '" + kid + "' more than once");
            keys.put(kid, key(kid, entry.substring(colon + 1)));
        }
        return new Keyring(keys);
    }

    /**
     * The embedded default when {@code ENCRYPTION_KEYS} is unset: the keyring in {@code
     * dataDir/encryption.key}, generated on first use. The file is written whole or not at all
     * (temporary file, owner-only permissions, atomic rename), because a half-written key file
     * would lose every secret sealed with it.
     *
     * <p>One process per data directory: two first starts racing on an empty directory could each
     * generate a key, and the later rename wins.
     */
    public static Keyring loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(KEY_FILE);
        try {
            return read(file);
        } catch (NoSuchFileException absent) {
            return create(dataDir, file);
        } catch (IOException e) {
            throw new SecretException("cannot read encryption key file " + file + ": " + e.getClass().getSimpleName());
        }
    }

    public String activeKid() {
        return keys.keySet().iterator().next();
    }

    public Optional<SecretKey> find(String kid) {
        return Optional.ofNullable(kid == null ? null : keys.get(kid));
    }

    /** Every kid, the active one first. */
    public List<String> kids() {
        return List.copyOf(keys.keySet());
    }

    @Override
    public String toString() {
        return "Keyring[active=" + activeKid() + ", kids=" + kids() + "]";
    }

    private static SecretKey key(String kid, String base64) {
        byte[] raw;
        try {
            // standard base64 (openssl rand -base64 32) or its URL-safe form
            raw = (base64.indexOf('-') >= 0 || base64.indexOf('_') >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(base64);
        } catch (IllegalArgumentException e) {
            throw new SecretException("keyring key '" + kid + "' is not valid base64");
        }
        try {
            if (raw.length != KEY_BYTES) {
                throw new SecretException("keyring key '" + kid + "' must decode to 32 bytes (AES-256), has " + raw.length);
            }
            return new SecretKeySpec(raw, "AES");
        } finally {
            Arrays.fill(raw, (byte) 0); // SecretKeySpec keeps its own copy
        }
    }

    private static Keyring read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new SecretException("encryption key file " + file + " is damaged: not UTF-8 text");
        }
        try {
            return parse(text.strip());
        } catch (SecretException e) {
            throw new SecretException("encryption key file " + file + " is damaged: " + e.getMessage());
        }
    }

    private static Keyring create(Path dataDir, Path file) {
        byte[] raw = new byte[KEY_BYTES];
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(raw);
        RANDOM.nextBytes(suffix);
        // a random suffix keeps this kid apart from any "k1" an operator picks later, so a mixed-up
        // keyring fails as "unknown kid" rather than as a bewildering authentication failure
        String spec = "k1-" + HexFormat.of().formatHex(suffix) + ":" + Base64.getEncoder().encodeToString(raw);
        Arrays.fill(raw, (byte) 0);
        Path tmp = null;
        try {
            Files.createDirectories(dataDir);
            tmp = Files.createTempFile(dataDir, KEY_FILE + ".", ".tmp", ownerOnly(dataDir));
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(StandardCharsets.UTF_8.encode(spec + "\n"));
                out.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (AtomicMoveNotSupportedException e) {
            throw new SecretException("cannot write encryption key file " + file + ": the file system has no atomic rename");
        } catch (IOException e) {
            throw new SecretException("cannot write encryption key file " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the failure being reported matters more than a stray temporary file
                }
            }
        }
        return parse(spec);
    }

    /** rw------- where the file system has POSIX permissions; elsewhere the directory's own protection applies. */
    private static FileAttribute<?>[] ownerOnly(Path dir) throws IOException {
        if (!Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class)) return new FileAttribute<?>[0];
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
    }
}
