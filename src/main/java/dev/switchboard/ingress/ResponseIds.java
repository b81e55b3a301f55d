package dev.switchboard.ingress;

import java.util.concurrent.ThreadLocalRandom;

/** Answer ids in the shape a client format's SDKs expect: the provider's own id behind the format's prefix. */
public final class ResponseIds {

    private ResponseIds() {}

    /**
     * {@code id} when it already starts with {@code prefix}, else {@code prefix} before it (an
     * Anthropic deployment's {@code msg_01…} becomes {@code chatcmpl-msg_01…}); a fresh random one
     * when the provider gave none, so two answers never share an id.
     */
    public static String prefixed(String prefix, String id) {
        if (id == null || id.isEmpty()) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            return prefix + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
        }
        return id.startsWith(prefix) ? id : prefix + id;
    }
}
