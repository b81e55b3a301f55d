package dev.switchboard.store;

/** A write that breaks a uniqueness or reference rule: a name taken, a team still in use. */
public final class StoreConflictException extends StoreException {

    public StoreConflictException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreConflictException(String message) {
        super(message);
    }
}
