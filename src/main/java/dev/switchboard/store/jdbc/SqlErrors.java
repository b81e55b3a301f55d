package dev.switchboard.store.jdbc;

import dev.switchboard.store.StoreConflictException;
import dev.switchboard.store.StoreException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;

/** SQLite's and PostgreSQL's ways of saying "constraint violated", as one exception. */
final class SqlErrors {

    private SqlErrors() {}

    static StoreException translate(SQLException e, String doing) {
        // PostgreSQL's driver words a failed batch as "Batch entry 0 INSERT INTO … VALUES (…) was
        // aborted", the statement with its values: the next exception says what went wrong without them
        if (e instanceof BatchUpdateException && e.getNextException() != null && e.getNextException() != e) {
            return translate(e.getNextException(), doing);
        }
        String state = e.getSQLState();
        String msg = e.getMessage() == null ? "" : e.getMessage();
        // PostgreSQL: 23505 unique, 23503 foreign key; SQLite: result code 19 (SQLITE_CONSTRAINT) and its extended codes
        boolean unique = "23505".equals(state) || msg.contains("UNIQUE constraint failed");
        boolean reference = "23503".equals(state) || msg.contains("FOREIGN KEY constraint failed");
        // the database's own words (table and constraint names) stay in the cause, for the log
        if (unique) return new StoreConflictException("cannot " + doing + ": another entry already has that name or id", e);
        if (reference || (e.getErrorCode() & 0xff) == 19) {
            return new StoreConflictException("cannot " + doing + ": it refers to an entry that does not exist, or one that is still in use", e);
        }
        return new StoreException("cannot " + doing + ": " + firstLine(msg), e);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
