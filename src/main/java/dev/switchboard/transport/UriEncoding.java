package dev.switchboard.transport;

import java.nio.charset.StandardCharsets;

/** RFC 3986 percent-encoding, for values the gateway puts into an upstream URL. */
public final class UriEncoding {

    private UriEncoding() {}

    /** Every byte of the UTF-8 form percent-encoded except the unreserved characters {@code A-Z a-z 0-9 - . _ ~}. */
    public static String encode(String s) {
        return encode(s, false);
    }

    private static String encode(String s, boolean keepAt) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~'
                    || (keepAt && c == '@')) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /**
     * {@code s} as exactly one path segment: nothing in it can end the path or climb out of it
     * ({@code /}, {@code ?}, {@code #}, {@code %} and {@code :} are encoded, and so are the dots of
     * a {@code .} or {@code ..} segment); {@code @}, which a path segment may hold, stays as it is
     * (Vertex's model versions: {@code claude-sonnet-4@20250514}). A model name a client sends goes
     * into an upstream URL this way.
     */
    public static String segment(String s) {
        if (s.equals(".") || s.equals("..")) return s.replace(".", "%2E");
        return encode(s, true);
    }
}
