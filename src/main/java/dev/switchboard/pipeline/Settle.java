package dev.switchboard.pipeline;

import dev.switchboard.model.Usage;
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
        if (!LOG.isDebugEnabled()) return;
        LOG.debug("request settled request_id={} deployment={} attempts={} input_tokens={} output_tokens={}",
                ex.requestId(), ex.deployment() == null ? null : ex.deployment().id(), ex.attempts(),
                usage == null ? null : usage.inputTokens(), usage == null ? null : usage.outputTokens());
    }
}
