package dev.switchboard.store.jdbc;

import dev.switchboard.store.StoreConflictException;
import dev.switchboard.store.StoreException;
import java.sql.SQLException;

/** SQLite's and PostgreSQL's ways of saying "constraint violated", as one exception. */
final class SqlErrors {

    private SqlErrors() {}

    static StoreException translate(SQLException e, String doing) {
        String state = e.getSQLState();
        String msg = e.getMessage() == null ? "" : e.getMessage();
        // PostgreSQL: 23505 unique, 23503 foreign key; SQLite: result code 19 (SQLITE_CONSTRAINT) and its extended codes
        boolean constraint = "23505".equals(state) || "23503".equals(state) || (e.getErrorCode() & 0xff) == 19
                || msg.contains("UNIQUE constraint failed") || msg.contains("FOREIGN KEY constraint failed");
        if (constraint) return new StoreConflictException("cannot " + doing + ": " + firstLine(msg), e);
        return new StoreException("cannot " + doing + ": " + firstLine(msg), e);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
