-- Stored Responses API answers (POST /v1/responses with store true), for previous_response_id,
-- GET /v1/responses/{id} and its input_items. Portable SQL: SQLite and PostgreSQL alike.
-- key_id: the virtual key that made it ('master' for the master key); only it sees the row.
-- body: the response object as answered (JSON); input: the input items the model saw (JSON array).
-- created_at: epoch seconds, as the response's own created_at.
CREATE TABLE responses (
    id         VARCHAR(128) PRIMARY KEY,
    key_id     VARCHAR(64)  NOT NULL,
    model      VARCHAR(256) NOT NULL,
    created_at BIGINT       NOT NULL,
    body       TEXT         NOT NULL,
    input      TEXT         NOT NULL
);
CREATE INDEX responses_by_key ON responses (key_id, created_at);
