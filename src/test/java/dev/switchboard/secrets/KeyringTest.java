package dev.switchboard.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyringTest {

    /** A recognisable 32-byte key, so a test can look for its base64 in a message. */
    static String key(int fill) {
        byte[] raw = new byte[32];
        for (int i = 0; i < raw.length; i++) raw[i] = (byte) (fill + i * 7);
        return Base64.getEncoder().encodeToString(raw);
    }

    private static SecretException failure(Runnable action) {
        Throwable thrown = catchThrowable(action::run);
        assertThat(thrown).isInstanceOf(SecretException.class);
        return (SecretException) thrown;
    }

    @Test
    void parse_keepsOperatorOrder_firstIsActive() {
        Keyring ring = Keyring.parse("new:" + key(1) + ",old:" + key(2) + ",older:" + key(3));
        assertThat(ring.activeKid()).isEqualTo("new");
        assertThat(ring.kids()).containsExactly("new", "old", "older");
        assertThat(ring.find("old")).get().satisfies(k -> {
            assertThat(k.getAlgorithm()).isEqualTo("AES");
            assertThat(k.getEncoded()).isEqualTo(Base64.getDecoder().decode(key(2)));
        });
    }

    @Test
    void parse_toleratesSpacesAroundEntries() {
        Keyring ring = Keyring.parse("  a:" + key(1) + " ,\tb:" + key(2) + "  ");
        assertThat(ring.kids()).containsExactly("a", "b");
    }

    @Test
    void find_unknownOrNullKid_isEmpty() {
        Keyring ring = Keyring.parse("a:" + key(1));
        assertThat(ring.find("b")).isEmpty();
        assertThat(ring.find(null)).isEmpty();
    }

    @Test
    void kids_cannotBeModified() {
        Keyring ring = Keyring.parse("a:" + key(1));
        Throwable thrown = catchThrowable(() -> ring.kids().add("b"));
        assertThat(thrown).isInstanceOf(UnsupportedOperationException.class);
        assertThat(ring.kids()).containsExactly("a");
    }

    @Test
    void parse_rejectsShortKey_namingKid_withoutKeyMaterial() {
        String shortKey = Base64.getEncoder().encodeToString("sixteen-byte-key".getBytes());
        SecretException e = failure(() -> Keyring.parse("good:" + key(1) + ",weak:" + shortKey));
        assertThat(e.getMessage()).contains("'weak'").contains("32 bytes").contains("16")
                .doesNotContain(shortKey).doesNotContain("sixteen").doesNotContain(key(1));
    }

    @Test
    void parse_rejectsLongKey() {
        String longKey = Base64.getEncoder().encodeToString(new byte[33]);
        assertThat(failure(() -> Keyring.parse("k:" + longKey)).getMessage()).contains("'k'").contains("33");
    }

    @Test
    void parse_rejectsDuplicateKid() {
        SecretException e = failure(() -> Keyring.parse("a:" + key(1) + ",a:" + key(2)));
        assertThat(e.getMessage()).contains("'a'").contains("more than once").doesNotContain(key(1)).doesNotContain(key(2));
    }

    @Test
    void parse_acceptsUrlSafeBase64_asTheSameKey() {
        byte[] raw = new byte[32];
        raw[0] = (byte) 0xfb; // encodes to '+' in standard base64, '-' in the URL-safe alphabet
        raw[1] = (byte) 0xff;
        String urlSafe = Base64.getUrlEncoder().encodeToString(raw);
        assertThat(urlSafe).contains("-");
        assertThat(Keyring.parse("k:" + urlSafe).find("k").orElseThrow().getEncoded()).isEqualTo(raw);
    }

    @Test
    void parse_rejectsMixedAlphabets_withoutEchoingTheKey() {
        String mixed = Base64.getEncoder().encodeToString(new byte[31]).replace("A", "-").replace("=", "+") + "A";
        SecretException e = failure(() -> Keyring.parse("k:" + mixed));
        assertThat(e.getMessage()).contains("'k'").contains("base64").doesNotContain(mixed);
    }

    @Test
    void parse_rejectsEntryWithoutKid_withoutEchoingIt() {
        String bare = key(5);
        SecretException e = failure(() -> Keyring.parse("a:" + key(1) + "," + bare));
        assertThat(e.getMessage()).contains("entry 2").doesNotContain(bare);
    }

    @Test
    void parse_rejectsInvalidKids_byPosition() {
        Stream.of("", "has.dot", "has space", "x".repeat(33)).forEach(kid -> {
            SecretException e = failure(() -> Keyring.parse(kid + ":" + key(1)));
            assertThat(e.getMessage()).as(kid).contains("entry 1").contains("invalid kid");
        });
        assertThat(Keyring.parse("x".repeat(32) + ":" + key(1)).activeKid()).hasSize(32);
    }

    @Test
    void parse_rejectsEmptySpecAndEmptyEntries() {
        assertThat(failure(() -> Keyring.parse(null)).getMessage()).contains("empty");
        assertThat(failure(() -> Keyring.parse("  ")).getMessage()).contains("empty");
        assertThat(failure(() -> Keyring.parse("a:" + key(1) + ",")).getMessage()).contains("entry 2 is empty");
        assertThat(failure(() -> Keyring.parse("a:" + key(1) + ",,b:" + key(2))).getMessage()).contains("entry 2 is empty");
    }

    @Test
    void toString_namesKids_butNotKeys() {
        Keyring ring = Keyring.parse("a:" + key(1) + ",b:" + key(2));
        assertThat(ring.toString()).contains("a").contains("b").doesNotContain(key(1)).doesNotContain(key(2));
    }

    @Test
    void loadOrCreate_generatesOnce_thenReadsSameKey(@TempDir Path dir) {
        Keyring first = Keyring.loadOrCreate(dir);
        Keyring second = Keyring.loadOrCreate(dir);
        assertThat(first.kids()).hasSize(1);
        assertThat(first.activeKid()).startsWith("k1");
        assertThat(second.kids()).isEqualTo(first.kids());
        assertThat(second.find(second.activeKid()).orElseThrow().getEncoded())
                .isEqualTo(first.find(first.activeKid()).orElseThrow().getEncoded());
        // and the file is the keyring's own text form, readable by parse
        assertThat(Keyring.parse(readKeyFile(dir).strip()).kids()).isEqualTo(first.kids());
    }

    @Test
    void loadOrCreate_inTwoDataDirs_generatesDifferentKeys(@TempDir Path dir) {
        Keyring a = Keyring.loadOrCreate(dir.resolve("a"));
        Keyring b = Keyring.loadOrCreate(dir.resolve("b"));
        assertThat(a.find(a.activeKid()).orElseThrow().getEncoded())
                .isNotEqualTo(b.find(b.activeKid()).orElseThrow().getEncoded());
    }

    @Test
    void loadOrCreate_createsMissingDataDir_andLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("nested/data");
        Keyring.loadOrCreate(dataDir);
        try (Stream<Path> files = Files.list(dataDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("encryption.key");
        }
    }

    @Test
    void loadOrCreate_filePermissionsOwnerOnly(@TempDir Path dir) throws Exception {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class), "POSIX file system");
        Keyring.loadOrCreate(dir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("encryption.key"))))
                .isEqualTo("rw-------");
    }

    @Test
    void loadOrCreate_readsAnOperatorWrittenFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("encryption.key"), "mine:" + key(9) + ", old:" + key(8) + "\n");
        Keyring ring = Keyring.loadOrCreate(dir);
        assertThat(ring.kids()).containsExactly("mine", "old");
        assertThat(readKeyFile(dir)).startsWith("mine:"); // not regenerated
    }

    @Test
    void loadOrCreate_damagedFile_failsNamingFile_withoutKeyMaterial(@TempDir Path dir) throws Exception {
        String truncated = key(4).substring(0, 20);
        Path file = dir.resolve("encryption.key");
        Files.writeString(file, "k1:" + truncated + "\n");
        SecretException e = failure(() -> Keyring.loadOrCreate(dir));
        assertThat(e.getMessage()).contains(file.toString()).contains("damaged").contains("'k1'").doesNotContain(truncated);
        assertThat(readKeyFile(dir)).contains(truncated); // a damaged file is reported, never replaced
    }

    @Test
    void loadOrCreate_emptyFile_isDamaged_notRegenerated(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("encryption.key");
        Files.writeString(file, "");
        assertThat(failure(() -> Keyring.loadOrCreate(dir)).getMessage()).contains(file.toString()).contains("damaged");
        assertThat(readKeyFile(dir)).isEmpty();
    }

    private static String readKeyFile(Path dir) {
        try {
            return Files.readString(dir.resolve("encryption.key"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
