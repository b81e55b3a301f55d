package dev.switchboard.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.StoreConflictException;
import dev.switchboard.store.StoreException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {

    /** A failed batch as PostgreSQL's driver words it: the statement, with its values, then the reason next. */
    private static BatchUpdateException batch(SQLException next) {
        BatchUpdateException e = new BatchUpdateException("Batch entry 0 INSERT INTO usage_records (id, key_id) VALUES (('use_1'), ('key_secretish')) "
                + "ON CONFLICT (id) DO NOTHING was aborted: An I/O error occurred while sending to the backend.  Call getNextException to see other errors in the batch.",
                "08006", 0, new int[0]);
        e.setNextException(next);
        return e;
    }

    @Test
    void aFailedBatch_isToldByItsReason_neverByTheStatementAndItsValues() {
        StoreException e = SqlErrors.translate(batch(new SQLException("An I/O error occurred while sending to the backend.", "08006")), "save usage records");

        assertThat(e.getMessage()).isEqualTo("cannot save usage records: An I/O error occurred while sending to the backend.");
        assertThat(e.getMessage()).doesNotContain("INSERT").doesNotContain("key_secretish");
    }

    @Test
    void aFailedBatch_ofAUniqueViolation_isAConflict() {
        StoreException e = SqlErrors.translate(batch(new SQLException("duplicate key value violates unique constraint", "23505")), "save keys");

        assertThat(e).isInstanceOf(StoreConflictException.class);
    }
}
