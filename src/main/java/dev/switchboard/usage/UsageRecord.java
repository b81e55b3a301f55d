package dev.switchboard.usage;

import java.util.List;

/**
 * One finished request, as the usage table keeps it: who, which model and deployment, the tokens
 * (by {@link dev.switchboard.model.Usage}'s convention: cached and cache-write tokens inside the
 * input, reasoning inside the output), what it cost and how it went. A failed request has a
 * status and no tokens.
 *
 * @param id          unique per record, made when the request settles; the table's primary key,
 *                    so a batch written twice (a replay after an outage) is stored once. Not the
 *                    request id: a client may send the same {@code x-request-id} again
 * @param timeMs      when the request arrived, epoch milliseconds
 * @param keyId       the virtual key's id, or {@code master}
 * @param publicModel the model the client asked for
 * @param costUsd     null when nothing prices the deployment
 * @param ttftMs      time to the first streamed event, null for complete answers
 * @param status      the HTTP status the client got (200 for a stream, even one that failed after the commit point)
 * @param cache       {@code hit}, {@code miss} or {@code bypass}
 */
public record UsageRecord(
        String id,
        String requestId,
        long timeMs,
        String keyId,
        String teamId,
        String publicModel,
        String deploymentId,
        String provider,
        String upstreamModel,
        long inputTokens,
        long outputTokens,
        long cachedInputTokens,
        long cacheWriteTokens,
        long reasoningTokens,
        boolean estimated,
        Double costUsd,
        long latencyMs,
        Long ttftMs,
        int status,
        String cache,
        int attempts,
        List<String> tags) {

    public UsageRecord {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
