package dev.switchboard.redis;

/** Redis cannot be reached now; callers fall back to their in-process state. */
public final class RedisUnavailableException extends RuntimeException {

    public RedisUnavailableException(String message) {
        super(message, null, false, false);
    }
}
