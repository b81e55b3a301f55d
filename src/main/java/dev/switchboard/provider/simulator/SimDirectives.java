package dev.switchboard.provider.simulator;

import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the simulator is told to do beyond answering: fail, pace, cut or stall. Directives come
 * from request headers ({@code x-sim-status: 503}, also set per deployment through
 * {@code extraHeaders}) or from the last message's text ({@code [sim status=429 retry_after=2]}),
 * which travels through any gateway; the message form wins. Every field is 0 when unset.
 *
 * @param status     answer with this HTTP status and an error body instead of a completion
 * @param retryAfter seconds for the {@code Retry-After} header of a failure
 * @param cutAfter   cut the stream (connection reset) after this many events
 * @param stallAfter go silent after this many events, connection kept open
 * @param latencyMs  wait before the first byte
 * @param tokenMs    wait between stream events
 * @param usageAlways 1: a stream reports usage whether or not the request asked for it, as some
 *                    OpenAI-compatible servers (Mistral's, for one) do
 * @param noUsage     1: an OpenAI-format answer carries no usage at all, asked or not, as some
 *                    OpenAI-compatible servers ignoring {@code stream_options} do
 */
public record SimDirectives(int status, int retryAfter, int cutAfter, int stallAfter, int latencyMs, int tokenMs, int usageAlways,
                            int noUsage) {

    public static final SimDirectives NONE = new SimDirectives(0, 0, 0, 0, 0, 0, 0, 0);

    public SimDirectives(int status, int retryAfter, int cutAfter, int stallAfter, int latencyMs, int tokenMs) {
        this(status, retryAfter, cutAfter, stallAfter, latencyMs, tokenMs, 0, 0);
    }
    static final Pattern IN_TEXT = Pattern.compile("\\[sim((?:\\s+[a-z_]+=\\d+)*)\\s*]");
    private static final Pattern PAIR = Pattern.compile("([a-z_]+)=(\\d+)");

    /** Reads {@code x-sim-*} headers through {@code header} (null when absent), then the text directive. */
    public static SimDirectives read(Function<String, String> header, String lastMessageText) {
        String[] names = {"status", "retry_after", "cut_after", "stall_after", "latency_ms", "token_ms", "usage_always", "no_usage"};
        int[] v = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            String h = header.apply("x-sim-" + names[i].replace('_', '-'));
            if (h != null) v[i] = parse(h.trim());
        }
        if (lastMessageText != null) {
            Matcher m = IN_TEXT.matcher(lastMessageText);
            if (m.find()) {
                Matcher p = PAIR.matcher(m.group(1));
                while (p.find()) {
                    for (int i = 0; i < names.length; i++) {
                        if (names[i].equals(p.group(1).toLowerCase(Locale.ROOT))) v[i] = parse(p.group(2));
                    }
                }
            }
        }
        return new SimDirectives(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    }

    /** The text with any directive removed, so the echo shows only what the user wrote. */
    public static String strip(String text) {
        return IN_TEXT.matcher(text).replaceAll("").strip();
    }

    private static int parse(String s) {
        try {
            return Math.max(0, Integer.parseInt(s));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
