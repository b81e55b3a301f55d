package dev.switchboard.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.switchboard.config.DeploymentSpec;
import dev.switchboard.secrets.SecretBox;
import dev.switchboard.store.DeploymentRepository;
import dev.switchboard.store.Page;
import dev.switchboard.store.StoreException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Deployments; {@code credentials} is the sealed JSON of the credential map, or null when there are none. */
final class JdbcDeployments implements DeploymentRepository {

    static final String PURPOSE = "deployment.credentials";
    private static final String COLUMNS = "id, public_model, body, credentials, source";
    private static final TypeReference<Map<String, String>> CREDENTIALS = new TypeReference<>() {};

    private final Connection c;
    private final SecretBox secrets;
    private final Clock clock;

    JdbcDeployments(Connection c, SecretBox secrets, Clock clock) {
        this.c = c;
        this.secrets = secrets;
        this.clock = clock;
    }

    @Override
    public List<DeploymentSpec> all() {
        return Rows.query(c, "SELECT " + COLUMNS + " FROM deployments ORDER BY created_at, id", this::row);
    }

    @Override
    public Page<DeploymentSpec> page(int limit, int offset) {
        List<DeploymentSpec> items = Rows.query(c, "SELECT " + COLUMNS + " FROM deployments ORDER BY created_at, id LIMIT ? OFFSET ?",
                this::row, limit, offset);
        return new Page<>(items, limit, offset, Rows.count(c, "SELECT COUNT(*) FROM deployments"));
    }

    @Override
    public Optional<DeploymentSpec> find(String id) {
        return Rows.query(c, "SELECT " + COLUMNS + " FROM deployments WHERE id = ?", this::row, id).stream().findFirst();
    }

    @Override
    public void insert(DeploymentSpec d) {
        Instant now = clock.instant();
        Rows.update(c, "create deployment " + d.id(),
                "INSERT INTO deployments (id, public_model, body, credentials, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                d.id(), d.publicModel(), body(d), seal(d), d.source(), now, now);
    }

    @Override
    public boolean update(DeploymentSpec d) {
        return Rows.update(c, "update deployment " + d.id(),
                "UPDATE deployments SET public_model = ?, body = ?, credentials = ?, source = ?, updated_at = ? WHERE id = ?",
                d.publicModel(), body(d), seal(d), d.source(), clock.instant(), d.id()) == 1;
    }

    @Override
    public boolean delete(String id) {
        return Rows.update(c, "delete deployment " + id, "DELETE FROM deployments WHERE id = ?", id) == 1;
    }

    @Override
    public int reseal() {
        record Sealed(String id, String envelope) {}
        List<Sealed> stale = Rows.query(c, "SELECT id, credentials FROM deployments WHERE credentials IS NOT NULL",
                        rs -> new Sealed(rs.getString(1), rs.getString(2))).stream()
                .filter(s -> secrets.needsRotation(s.envelope()))
                .toList();
        for (Sealed s : stale) {
            Rows.update(c, "re-encrypt deployment " + s.id(), "UPDATE deployments SET credentials = ? WHERE id = ?",
                    secrets.reseal(PURPOSE, s.envelope()), s.id());
        }
        return stale.size();
    }

    private static String body(DeploymentSpec d) {
        return Rows.body(d, "id", "publicModel", "credentials", "source");
    }

    private String seal(DeploymentSpec d) {
        return d.credentials().isEmpty() ? null : secrets.seal(PURPOSE, Rows.json(d.credentials()));
    }

    private DeploymentSpec row(ResultSet rs) throws SQLException {
        DeploymentSpec body = Rows.parse(rs.getString("body"), DeploymentSpec.class);
        String sealed = rs.getString("credentials");
        Map<String, String> credentials = sealed == null ? Map.of() : parseCredentials(secrets.openString(PURPOSE, sealed));
        return new DeploymentSpec(rs.getString("id"), rs.getString("public_model"), body.provider(), body.upstreamModel(), credentials,
                body.baseUrl(), body.apiVersion(), body.weight(), body.rpmLimit(), body.tpmLimit(), body.maxConcurrency(),
                body.pricing(), body.timeouts(), body.extraHeaders(), body.enabled(), rs.getString("source"));
    }

    private static Map<String, String> parseCredentials(String json) {
        try {
            return Rows.JSON.readValue(json, CREDENTIALS);
        } catch (JsonProcessingException e) {
            throw new StoreException("stored credentials do not decode to a map");
        }
    }
}
