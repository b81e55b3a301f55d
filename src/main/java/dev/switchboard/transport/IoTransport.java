package dev.switchboard.transport;

import io.vertx.core.transport.Transport;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which I/O transport the event loops run on: io_uring where the kernel offers it, else epoll,
 * else the JDK's NIO. On the 2-core benchmark io_uring took the gateway from 0.43 to 0.63 of an
 * nginx hop's throughput: completions arrive in batches, so a loop sleeps, and wakes the programs
 * it talks to, far less often (0.23 context switches a request instead of 1.0).
 *
 * <p>An operator can pin one with {@code -Dswitchboard.transport=io_uring|epoll|nio} (through
 * {@code JAVA_OPTS}), for a kernel or sandbox whose io_uring misbehaves; a pinned transport that
 * is not available stops the start with the reason.
 */
public final class IoTransport {

    public static final String PROPERTY = "switchboard.transport";

    /**
     * Completions one io_uring ring holds before the kernel queues the rest aside (Netty's default
     * 4,096): thousands of open streams complete more than that in one turn of a loop, and each
     * overflow logged a warning. 32,768 entries are 512 KiB a loop. Netty reads it once, when its
     * io_uring classes load, which the first mention of {@link Transport} below may do: so first.
     */
    static final String COMPLETION_QUEUE = "io.netty.iouring.cqSize";

    static {
        if (System.getProperty(COMPLETION_QUEUE) == null) System.setProperty(COMPLETION_QUEUE, "32768");
    }

    private static final List<Transport> PREFERENCE = List.of(Transport.IO_URING, Transport.EPOLL, Transport.NIO);

    private IoTransport() {}

    /** The transport to build Vert.x with, by {@link #PROPERTY} when set, else the first available. */
    public static Transport choose() {
        return choose(Optional.ofNullable(System.getProperty(PROPERTY)));
    }

    static Transport choose(Optional<String> pinned) {
        if (pinned.isPresent()) {
            String want = pinned.get().trim().toLowerCase(Locale.ROOT);
            Transport t = PREFERENCE.stream().filter(p -> name(p).equals(want)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            PROPERTY + " must be one of io_uring, epoll, nio; got '" + pinned.get() + "'"));
            if (!t.available()) {
                Throwable why = t.unavailabilityCause();
                throw new IllegalArgumentException(PROPERTY + "=" + want + " is not available here"
                        + (why == null ? "" : ": " + why.getMessage()));
            }
            return t;
        }
        return PREFERENCE.stream().filter(Transport::available).findFirst().orElse(Transport.NIO);
    }

    /** {@code io_uring}, {@code epoll}, {@code kqueue} or {@code nio}. */
    public static String name(Transport t) {
        return t.name().toLowerCase(Locale.ROOT);
    }
}
