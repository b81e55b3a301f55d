package dev.switchboard.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.transport.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class IoTransportTest {

    @Test
    void choose_unpinned_takesTheFirstAvailableOfIoUringEpollNio() {
        Transport t = IoTransport.choose(Optional.empty());
        assertThat(t.available()).isTrue();
        Transport expected = Transport.IO_URING.available() ? Transport.IO_URING
                : Transport.EPOLL.available() ? Transport.EPOLL : Transport.NIO;
        assertThat(t).isSameAs(expected);
    }

    /** Guards the dependency: on a Linux x86-64 kernel that allows io_uring, the jar must bring it. */
    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void ioUring_onAKernelThatAllowsIt_isAvailable() throws Exception {
        Path disabled = Path.of("/proc/sys/kernel/io_uring_disabled");
        boolean allowed = !Files.exists(disabled) || Files.readString(disabled).trim().equals("0");
        if (allowed) {
            assertThat(Transport.IO_URING.available()).as("io_uring: %s", Transport.IO_URING.unavailabilityCause()).isTrue();
        } else {
            assertThat(IoTransport.choose(Optional.empty())).isSameAs(Transport.EPOLL);
        }
    }

    @Test
    void choose_pinned_takesThatOne_whateverTheCase() {
        assertThat(IoTransport.choose(Optional.of("nio"))).isSameAs(Transport.NIO);
        assertThat(IoTransport.choose(Optional.of(" NIO "))).isSameAs(Transport.NIO);
    }

    @Test
    void choose_pinnedUnknown_namesThePropertyAndTheChoices() {
        assertThatThrownBy(() -> IoTransport.choose(Optional.of("kqueue")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("switchboard.transport must be one of io_uring, epoll, nio; got 'kqueue'");
    }

    @Test
    void name_isTheLowerCaseNameOperatorsPin() {
        assertThat(IoTransport.name(Transport.IO_URING)).isEqualTo("io_uring");
        assertThat(IoTransport.name(Transport.EPOLL)).isEqualTo("epoll");
        assertThat(IoTransport.name(Transport.NIO)).isEqualTo("nio");
    }

    @Test
    void vertxBuiltWithTheChoice_runsOnIt() {
        Transport t = IoTransport.choose(Optional.empty());
        Vertx vertx = Vertx.builder().withTransport(t).build();
        try {
            assertThat(((VertxInternal) vertx).transport().getClass()).isSameAs(t.implementation().getClass());
        } finally {
            vertx.close().await();
        }
    }
}
