package dev.switchboard.pipeline;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Stored Responses API answers, as the request path sees them: the one piece of state a client
 * names explicitly ({@code previous_response_id}) and the only store read a request may make.
 * Implementations never block the caller: reads that miss memory run off the event loop and
 * complete on the caller's context.
 */
public interface ResponseStore {

    /** The response, if it exists (visibility is the caller's check, by {@link StoredResponse#visibleTo}). */
    Future<Optional<StoredResponse>> find(String id);

    /** Keeps it: readable by {@link #find} on this instance as soon as this returns; persisted shortly after. */
    void save(StoredResponse response);

    /** Removes it; true when it existed. */
    Future<Boolean> delete(String id);
}
