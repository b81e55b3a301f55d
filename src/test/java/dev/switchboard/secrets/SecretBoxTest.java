package dev.switchboard.secrets;

import static dev.switchboard.secrets.KeyringTest.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PURPOSE = "provider-credential";
    private static final String SECRET = "sk-live-0123456789abcdefghij";

    private static final String OLD = "old:" + key(1);
    private static final String NEW = "new:" + key(2);
    private final SecretBox box = new SecretBox(Keyring.parse(OLD));

    private static SecretException failure(Runnable action) {
        Throwable thrown = catchThrowable(action::run);
        assertThat(thrown).isInstanceOf(SecretException.class);
        return (SecretException) thrown;
    }

    private static JsonNode tree(String envelope) {
        try {
            return JSON.readTree(envelope);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The envelope with one edit applied to its JSON, as an attacker with write access to the store could. */
    private static String edited(String envelope, Consumer<ObjectNode> edit) {
        ObjectNode node = (ObjectNode) tree(envelope);
        edit.accept(node);
        return node.toString();
    }

    private static String flipBit(String base64, int byteIndex) {
        byte[] bytes = Base64.getDecoder().decode(base64);
        bytes[byteIndex] ^= 0x01;
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void seal_thenOpen_roundTrips() {
        String envelope = box.seal(PURPOSE, SECRET);
        assertThat(box.openString(PURPOSE, envelope)).isEqualTo(SECRET);

        byte[] binary = {0, 1, 2, (byte) 0xff, (byte) 0x80};
        assertThat(box.open(PURPOSE, box.seal(PURPOSE, binary))).isEqualTo(binary);
    }

    @Test
    void seal_thenOpen_roundTripsEmptyAndNonAsciiText() {
        assertThat(box.openString(PURPOSE, box.seal(PURPOSE, ""))).isEmpty();
        assertThat(box.openString(PURPOSE, box.seal(PURPOSE, "clé-秘密-🔑"))).isEqualTo("clé-秘密-🔑");
    }

    @Test
    void seal_writesVersionedEnvelope_withActiveKidAndPurpose() {
        JsonNode envelope = tree(new SecretBox(Keyring.parse(NEW + "," + OLD)).seal(PURPOSE, SECRET));
        List<String> fields = new ArrayList<>();
        envelope.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("v", "kid", "purpose", "iv", "ct");
        assertThat(envelope.get("v").intValue()).isEqualTo(1);
        assertThat(envelope.get("kid").textValue()).isEqualTo("new");
        assertThat(envelope.get("purpose").textValue()).isEqualTo(PURPOSE);
        assertThat(Base64.getDecoder().decode(envelope.get("iv").textValue())).hasSize(12);
        // ciphertext is as long as the plaintext, plus the 16-byte tag
        assertThat(Base64.getDecoder().decode(envelope.get("ct").textValue())).hasSize(SECRET.length() + 16);
    }

    @Test
    void envelope_decryptsWithPlainJdkGcm_andTheSpecifiedAssociatedData() throws Exception {
        // pins the wire format independently of SecretBox: AES-256-GCM, 128-bit tag, AAD "1:kid:purpose"
        JsonNode envelope = tree(box.seal(PURPOSE, SECRET));
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, Keyring.parse(OLD).find("old").orElseThrow(),
                new GCMParameterSpec(128, Base64.getDecoder().decode(envelope.get("iv").textValue())));
        cipher.updateAAD(("1:old:" + PURPOSE).getBytes(StandardCharsets.UTF_8));
        byte[] plain = cipher.doFinal(Base64.getDecoder().decode(envelope.get("ct").textValue()));
        assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo(SECRET);
    }

    @Test
    void sealedText_doesNotContainPlaintext() {
        String envelope = box.seal(PURPOSE, SECRET);
        assertThat(envelope)
                .doesNotContain(SECRET)
                .doesNotContain(SECRET.substring(8))
                .doesNotContain(Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8)).substring(0, 12))
                .doesNotContain(key(1));
    }

    @Test
    void twoSeals_ofSameText_differ() {
        Set<String> ivs = new HashSet<>();
        Set<String> cts = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            JsonNode envelope = tree(box.seal(PURPOSE, SECRET));
            ivs.add(envelope.get("iv").textValue());
            cts.add(envelope.get("ct").textValue());
        }
        assertThat(ivs).hasSize(50);
        assertThat(cts).hasSize(50);
    }

    @Test
    void open_withOtherPurpose_fails() {
        String envelope = box.seal(PURPOSE, SECRET);
        SecretException e = failure(() -> box.open("webhook-secret", envelope));
        assertThat(e.getMessage()).contains("purpose mismatch").doesNotContain(SECRET);
    }

    @Test
    void open_tamperedPurpose_fails_evenWhenCallerExpectsTheForgedPurpose() {
        String forged = edited(box.seal(PURPOSE, SECRET), n -> n.put("purpose", "webhook-secret"));
        SecretException e = failure(() -> box.open("webhook-secret", forged));
        assertThat(e.getMessage()).contains("authentication").doesNotContain(SECRET);
    }

    @Test
    void open_tamperedCiphertext_fails() {
        String envelope = box.seal(PURPOSE, SECRET);
        for (int i : new int[] {0, SECRET.length() - 1, SECRET.length() + 15}) { // first, last plaintext byte, last tag byte
            String forged = edited(envelope, n -> n.put("ct", flipBit(n.get("ct").textValue(), i)));
            assertThat(failure(() -> box.open(PURPOSE, forged)).getMessage()).as("byte " + i).contains("authentication");
        }
    }

    @Test
    void open_truncatedCiphertext_fails() {
        String envelope = box.seal(PURPOSE, SECRET);
        String forged = edited(envelope, n -> {
            byte[] ct = Base64.getDecoder().decode(n.get("ct").textValue());
            n.put("ct", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(ct, ct.length - 1)));
        });
        failure(() -> box.open(PURPOSE, forged));
    }

    @Test
    void open_tamperedIv_fails() {
        String forged = edited(box.seal(PURPOSE, SECRET), n -> n.put("iv", flipBit(n.get("iv").textValue(), 5)));
        assertThat(failure(() -> box.open(PURPOSE, forged)).getMessage()).contains("authentication");
    }

    @Test
    void open_tamperedKid_fails() {
        // both keys are in the keyring, so only the tag can catch the swap
        SecretBox both = new SecretBox(Keyring.parse(OLD + "," + NEW));
        String forged = edited(both.seal(PURPOSE, SECRET), n -> n.put("kid", "new"));
        assertThat(failure(() -> both.open(PURPOSE, forged)).getMessage()).contains("authentication");
    }

    @Test
    void open_unknownKid_fails_namingKid() {
        String envelope = new SecretBox(Keyring.parse(NEW)).seal(PURPOSE, SECRET);
        SecretException e = failure(() -> box.open(PURPOSE, envelope));
        assertThat(e.getMessage()).contains("'new'").contains("not in ENCRYPTION_KEYS").doesNotContain(key(2));
    }

    @Test
    void open_otherVersion_fails() {
        String future = edited(box.seal(PURPOSE, SECRET), n -> n.put("v", 2));
        assertThat(failure(() -> box.open(PURPOSE, future)).getMessage()).contains("version 2");
    }

    @Test
    void open_malformedEnvelopes_fail() {
        String good = box.seal(PURPOSE, SECRET);
        List<String> bad = List.of(
                "", "not json", "[]", "{}", SECRET,
                good + "{}",
                edited(good, n -> n.remove("v")),
                edited(good, n -> n.put("v", "1")),
                edited(good, n -> n.remove("kid")),
                edited(good, n -> n.remove("iv")),
                edited(good, n -> n.put("iv", "***")),
                edited(good, n -> n.put("iv", Base64.getEncoder().encodeToString(new byte[16]))),
                edited(good, n -> n.put("ct", "")));
        for (String envelope : bad) {
            assertThat(catchThrowable(() -> box.open(PURPOSE, envelope))).as(envelope).isInstanceOf(SecretException.class);
        }
        assertThat(catchThrowable(() -> box.open(PURPOSE, null))).isInstanceOf(SecretException.class);
    }

    @Test
    void sealAndOpen_withoutPurpose_fail() {
        failure(() -> box.seal("", SECRET));
        failure(() -> box.seal(null, SECRET));
        String envelope = box.seal(PURPOSE, SECRET);
        failure(() -> box.open("", envelope));
    }

    @Test
    void needsRotation_isFalse_forEnvelopeOfActiveKey() {
        assertThat(box.needsRotation(box.seal(PURPOSE, SECRET))).isFalse();
    }

    @Test
    void rotation_resealsWithActiveKey_andOldKeyringStillNeeded() {
        String sealedByOld = box.seal(PURPOSE, SECRET);

        SecretBox rotating = new SecretBox(Keyring.parse(NEW + "," + OLD));
        assertThat(rotating.openString(PURPOSE, sealedByOld)).isEqualTo(SECRET);
        assertThat(rotating.needsRotation(sealedByOld)).isTrue();

        String resealed = rotating.reseal(PURPOSE, sealedByOld);
        assertThat(tree(resealed).get("kid").textValue()).isEqualTo("new");
        assertThat(rotating.needsRotation(resealed)).isFalse();

        SecretBox newOnly = new SecretBox(Keyring.parse(NEW));
        assertThat(newOnly.openString(PURPOSE, resealed)).isEqualTo(SECRET);
        // the old key cannot be dropped before the rotation has run
        assertThat(failure(() -> newOnly.open(PURPOSE, sealedByOld)).getMessage()).contains("'old'");
    }

    @Test
    void reseal_withOtherPurpose_fails() {
        SecretBox rotating = new SecretBox(Keyring.parse(NEW + "," + OLD));
        String sealedByOld = box.seal(PURPOSE, SECRET);
        assertThat(failure(() -> rotating.reseal("webhook-secret", sealedByOld)).getMessage()).contains("purpose mismatch");
    }

    @Test
    void sealAndOpen_fromManyThreads_allRoundTrip() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        String text = "secret-" + thread + "-" + i;
                        if (!box.openString(PURPOSE, box.seal(PURPOSE, text)).equals(text)) return false;
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) assertThat(result.get()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }
}
