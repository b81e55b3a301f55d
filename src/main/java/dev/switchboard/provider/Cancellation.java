package dev.switchboard.provider;

import java.util.ArrayList;
import java.util.List;

/**
 * The client went away: whatever was registered here (an attempt resetting its upstream request,
 * a stream's relay stopping) runs once, the last registered first. Registering after cancellation runs the action at once. Used on the request's event loop
 * only, so it needs no locking.
 */
public final class Cancellation {

    private List<Runnable> actions;
    private boolean cancelled;

    public void onCancel(Runnable action) {
        if (cancelled) {
            action.run();
            return;
        }
        if (actions == null) actions = new ArrayList<>(2);
        actions.add(action);
    }

    /**
     * Runs the actions, the last registered first: what stands nearest the client (a committed
     * stream's relay, which stops and settles as a client's leaving) goes before what stands
     * behind it (the attempt that resets its upstream request, which the relay then no longer
     * takes for the deployment's failure).
     */
    public void cancel() {
        if (cancelled) return;
        cancelled = true;
        if (actions != null) actions.reversed().forEach(Runnable::run);
        actions = null;
    }

    public boolean cancelled() {
        return cancelled;
    }
}
