package dev.switchboard.pipeline;

import dev.switchboard.model.Usage;
import dev.switchboard.provider.UpstreamException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a finished request is accounted. For now: one debug line with the usage the provider
 * reported; the usage issue puts the record, cost and budget settlement here.
 */
public final class Settle {

    private static final Logger LOG = LoggerFactory.getLogger("switchboard.usage");

    private Settle() {}

    public static void usage(Exchange ex, Usage usage) {
        ex.settled(usage);
        if (!LOG.isDebugEnabled()) return;
        LOG.debug("request settled request_id={} deployment={} attempts={} input_tokens={} output_tokens={}",
                ex.requestId(), ex.deployment() == null ? null : ex.deployment().id(), ex.attempts(),
                usage == null ? null : usage.inputTokens(), usage == null ? null : usage.outputTokens());
    }

    /**
     * A stream ended, after the commit point: a failure is logged (the client saw an error event),
     * and the last usage the stream reported is settled.
     */
    public static void stream(Exchange ex, Usage usage, UpstreamException failure) {
        if (failure != null) {
            LOG.warn("stream failed after commit request_id={} deployment={} provider={} class={} detail={}", ex.requestId(),
                    ex.deployment().id(), ex.deployment().provider().id(), failure.failureClass(), failure.getMessage());
        }
        usage(ex, usage);
    }

    /** The last usage a stream reported, kept by its framing until the stream ends. */
    public static final class LastUsage {
        private Usage value;

        public void set(Usage u) {
            value = u;
        }

        public Usage get() {
            return value;
        }
    }
}
