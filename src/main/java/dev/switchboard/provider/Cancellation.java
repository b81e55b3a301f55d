package dev.switchboard.provider;

import java.util.ArrayList;
import java.util.List;

/**
 * The client went away: whatever an attempt registered here (resetting its upstream request) runs
 * once. Registering after cancellation runs the action at once. Used on the request's event loop
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

    public void cancel() {
        if (cancelled) return;
        cancelled = true;
        if (actions != null) actions.forEach(Runnable::run);
        actions = null;
    }

    public boolean cancelled() {
        return cancelled;
    }
}
