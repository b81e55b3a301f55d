package dev.switchboard.store.jdbc;

import dev.switchboard.pipeline.StoredResponse;
import dev.switchboard.store.Database;
import dev.switchboard.store.ResponseRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** The {@code responses} table; each call takes its own pooled connection. */
final class JdbcResponses implements ResponseRepository {

    private final Database db;

    JdbcResponses(Database db) {
        this.db = db;
    }

    @Override
    public Optional<StoredResponse> find(String id) {
        try (Connection c = db.connection()) {
            return Rows.query(c, "SELECT id, key_id, model, created_at, body, input FROM responses WHERE id = ?",
                    rs -> new StoredResponse(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                            rs.getString(6)), id).stream().findFirst();
        } catch (SQLException e) {
            throw SqlErrors.translate(e, "read a stored response");
        }
    }

    @Override
    public void insertAll(List<StoredResponse> batch) {
        if (batch.isEmpty()) return;
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO responses (id, key_id, model, created_at, body, input) "
                    + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
                for (StoredResponse r : batch) {
                    ps.setString(1, r.id());
                    ps.setString(2, r.keyId());
                    ps.setString(3, r.model());
                    ps.setLong(4, r.createdAt());
                    ps.setString(5, r.body());
                    ps.setString(6, r.input());
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw SqlErrors.translate(e, "save stored responses");
        }
    }

    @Override
    public boolean delete(String id) {
        try (Connection c = db.connection()) {
            return Rows.update(c, "delete a stored response", "DELETE FROM responses WHERE id = ?", id) == 1;
        } catch (SQLException e) {
            throw SqlErrors.translate(e, "delete a stored response");
        }
    }
}
