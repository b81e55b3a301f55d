package dev.switchboard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.limit.Admission;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A reservation that admission hands over after the response is over is given back at once. */
class LateAdmissionTest {

    /** A ticket that remembers how it was settled. */
    private static final class Recording implements Admission.Ticket {
        final List<String> settlements = new ArrayList<>();

        @Override
        public Future<Void> settle(long tokens, double usd) {
            settlements.add(tokens + "/" + usd);
            return Future.succeededFuture();
        }
    }

    @Test
    void aTicketArrivingAfterTheEnd_isReleasedAtOnce() {
        Exchange ex = new Exchange("req_1", System.nanoTime(), false);
        ex.finish(); // the client left while the prompt was being counted
        Recording ticket = new Recording();
        ex.ticket(ticket, 500);
        assertThat(ticket.settlements).containsExactly("0/0.0");
    }

    @Test
    void aTicketArrivingBeforeTheEnd_waitsForTheEnd() {
        Exchange ex = new Exchange("req_1", System.nanoTime(), false);
        Recording ticket = new Recording();
        ex.ticket(ticket, 500);
        assertThat(ticket.settlements).isEmpty();
        ex.finish();
        assertThat(ticket.settlements).containsExactly("0/0.0");
    }
}
