package dev.switchboard.pipeline;

/**
 * A Responses API answer kept for later turns ({@code previous_response_id}), retrieval and
 * {@code input_items}. User content, not secrets.
 *
 * @param keyId     the id of the virtual key that made it, or {@link #MASTER} for the master key:
 *                  only that key (and the master key) may see it
 * @param model     the public model name the client asked for
 * @param createdAt epoch seconds, the response's own {@code created_at}
 * @param body      the response object as answered, JSON
 * @param input     the input items the model saw, JSON array: the previous response's context
 *                  and output when the request continued one, then the request's own items
 */
public record StoredResponse(String id, String keyId, String model, long createdAt, String body, String input) {

    public static final String MASTER = "master";

    /** Whether the caller that holds {@code keyId} (or the master key) may see it. */
    public boolean visibleTo(boolean admin, String callerKeyId) {
        return admin || keyId.equals(callerKeyId);
    }
}
