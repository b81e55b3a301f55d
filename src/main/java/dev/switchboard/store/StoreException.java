package dev.switchboard.store;

import java.sql.SQLException;

/**
 * A store operation that failed. {@link #unavailable()} tells a database that cannot be reached
 * (the admin API answers 503 and readiness turns red) from a statement that failed on its own.
 */
public class StoreException extends RuntimeException {

    private final boolean unavailable;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
        this.unavailable = isConnectionFailure(cause);
    }

    public StoreException(String message) {
        super(message);
        this.unavailable = false;
    }

    public boolean unavailable() {
        return unavailable;
    }

    static StoreException of(SQLException e) {
        return new StoreException(Database.rootMessage(e), e);
    }

    /**
     * SQLState class 08 is "connection exception"; PostgreSQL's 57P01-57P05 (admin or crash
     * shutdown, cannot connect now, database dropped, idle session timeout) end the session too, and
     * 57P01 is what a restart or failover sends to every open connection. Hikari's timeout is a
     * transient connection failure.
     */
    private static boolean isConnectionFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.sql.SQLTransientConnectionException || c instanceof java.sql.SQLNonTransientConnectionException) return true;
            if (c instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) return true;
            if (c instanceof java.net.ConnectException) return true;
        }
        return false;
    }
}
