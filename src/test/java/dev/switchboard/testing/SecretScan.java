package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Looks for secrets in raw bytes: each secret as plain text, as hex (either case, as a bytea or a
 * careless encoder would write it) and as base64. Bytes are compared as ISO-8859-1 characters, so
 * any byte sequence can be searched and an ASCII secret matches exactly its own bytes.
 */
public final class SecretScan {

    private SecretScan() {}

    /** The secrets (by label) found in {@code data}, each with the form it was found in; empty when none is there. */
    public static List<String> leaks(byte[] data, Map<String, String> secrets) {
        String haystack = new String(data, StandardCharsets.ISO_8859_1);
        List<String> found = new ArrayList<>();
        secrets.forEach((label, secret) -> forms(secret).forEach((form, text) -> {
            if (haystack.contains(text)) found.add(label + " (" + form + ")");
        }));
        return found;
    }

    /** Whether {@code text} appears as is: the positive control that a scan reads the bytes the data lives in. */
    public static boolean contains(byte[] data, String text) {
        return new String(data, StandardCharsets.ISO_8859_1).contains(text);
    }

    /** Every regular file under {@code dir}, by path, with its bytes as they are now. */
    public static Map<Path, byte[]> files(Path dir) {
        Map<Path, byte[]> out = new LinkedHashMap<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.filter(Files::isRegularFile).sorted().toList()) out.put(p, Files.readAllBytes(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static Map<String, String> forms(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        Map<String, String> forms = new LinkedHashMap<>();
        forms.put("plain", secret);
        forms.put("hex", HexFormat.of().formatHex(bytes));
        forms.put("HEX", HexFormat.of().withUpperCase().formatHex(bytes));
        forms.put("base64", Base64.getEncoder().withoutPadding().encodeToString(bytes));
        return forms;
    }
}
