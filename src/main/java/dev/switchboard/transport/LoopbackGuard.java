package dev.switchboard.transport;

import java.util.Locale;

/**
 * Refuses upstream addresses beyond loopback when enabled. Tests run with the system property
 * {@code switchboard.outbound.loopbackOnly=true}, so no test can reach a real provider by mistake.
 * Names are not resolved (that would block): only loopback literals, {@code localhost} and
 * {@code *.localhost} (which RFC 6761 reserves for loopback) pass.
 */
public final class LoopbackGuard {

    public static final String PROPERTY = "switchboard.outbound.loopbackOnly";

    private final boolean enabled;

    public LoopbackGuard(boolean enabled) {
        this.enabled = enabled;
    }

    public static LoopbackGuard fromSystemProperties() {
        return new LoopbackGuard(Boolean.getBoolean(PROPERTY));
    }

    public boolean enabled() {
        return enabled;
    }

    /** Throws {@link OutboundRefusedException} when the guard is on and {@code host} is not loopback. */
    public void check(String host) {
        if (enabled && !isLoopback(host)) {
            throw new OutboundRefusedException("outbound call to " + host + " refused: only loopback is allowed here");
        }
    }

    public static boolean isLoopback(String host) {
        if (host == null) return false;
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        if (h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) return true;
        if (!h.startsWith("127.")) return false;
        String[] parts = h.split("\\.", -1); // -1 keeps a trailing empty part: "127.0.0.1." is a name, not a literal
        if (parts.length != 4) return false;
        for (String p : parts) {
            // ASCII digits only: Character.isDigit (and Integer.parseInt) also accept other scripts' digits
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(p) > 255) return false;
        }
        return true;
    }

    public static final class OutboundRefusedException extends RuntimeException {
        public OutboundRefusedException(String message) {
            super(message);
        }
    }
}
