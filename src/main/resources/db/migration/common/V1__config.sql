-- The control plane's configuration. Portable SQL: it runs unchanged on SQLite and PostgreSQL.
-- Nested parts of an entity (pricing, limits, metadata, ...) are one JSON document per row in
-- `body`; the columns beside it are the ones that are looked up, constrained or kept secret.
-- Timestamps are epoch milliseconds.

-- One row, bumped by every write in the same transaction; instances poll it to see changes.
CREATE TABLE config_version (
    id      INTEGER PRIMARY KEY,
    version BIGINT  NOT NULL
);
INSERT INTO config_version (id, version) VALUES (1, 1);

-- The SHA-256 of the operator's master key, shared by every instance on this store.
CREATE TABLE master_key (
    id         INTEGER     PRIMARY KEY,
    key_hash   VARCHAR(64) NOT NULL,
    created_at BIGINT      NOT NULL
);

CREATE TABLE teams (
    id         VARCHAR(64)  PRIMARY KEY,
    name       VARCHAR(256) NOT NULL UNIQUE,
    body       TEXT         NOT NULL,
    source     VARCHAR(8)   NOT NULL,
    created_at BIGINT       NOT NULL,
    updated_at BIGINT       NOT NULL
);

-- credentials: the AES-256-GCM envelope of the provider credentials, never plain text.
CREATE TABLE deployments (
    id           VARCHAR(64)  PRIMARY KEY,
    public_model VARCHAR(256) NOT NULL,
    body         TEXT         NOT NULL,
    credentials  TEXT,
    source       VARCHAR(8)   NOT NULL,
    created_at   BIGINT       NOT NULL,
    updated_at   BIGINT       NOT NULL
);
CREATE INDEX deployments_by_public_model ON deployments (public_model);

-- key_hash: hex SHA-256 of the key; the key itself is never stored.
CREATE TABLE virtual_keys (
    id         VARCHAR(64)  PRIMARY KEY,
    name       VARCHAR(256) NOT NULL UNIQUE,
    key_hash   VARCHAR(64)  NOT NULL UNIQUE,
    key_prefix VARCHAR(32)  NOT NULL,
    team_id    VARCHAR(64)  REFERENCES teams (id),
    body       TEXT         NOT NULL,
    source     VARCHAR(8)   NOT NULL,
    created_at BIGINT       NOT NULL,
    updated_at BIGINT       NOT NULL
);

CREATE TABLE fallbacks (
    primary_model VARCHAR(256) NOT NULL,
    reason        VARCHAR(32)  NOT NULL,
    targets       TEXT         NOT NULL,
    source        VARCHAR(8)   NOT NULL,
    updated_at    BIGINT       NOT NULL,
    PRIMARY KEY (primary_model, reason)
);

-- One row: the router-settings document as given (defaults are filled when it is read).
CREATE TABLE router_settings (
    id         INTEGER    PRIMARY KEY,
    body       TEXT       NOT NULL,
    source     VARCHAR(8) NOT NULL,
    updated_at BIGINT     NOT NULL
);
