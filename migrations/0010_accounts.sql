-- +goose Up
-- People who sign in when the server runs with --auth. Names are kept folded to lower
-- case so "Ada" and "ada" are one account; passwords only as argon2id hashes.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    admin         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP NOT NULL
);

-- A browser's sign-in. Only the SHA-256 of the cookie's secret is kept, so a copy of the
-- database signs nobody in, and deleting the row signs the browser out.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Personal tokens for API clients (Authorization: Bearer), kept hashed like sessions.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- What a person made is theirs until they share it with everyone on the server. Rows
-- from before accounts have no owner; the first admin adopts them.
ALTER TABLE datasets ADD COLUMN owner_id TEXT NOT NULL DEFAULT '';
ALTER TABLE datasets ADD COLUMN shared BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE experiments ADD COLUMN owner_id TEXT NOT NULL DEFAULT '';
ALTER TABLE experiments ADD COLUMN shared BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE models ADD COLUMN owner_id TEXT NOT NULL DEFAULT '';
ALTER TABLE models ADD COLUMN shared BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX datasets_owner ON datasets (owner_id);
CREATE INDEX experiments_owner ON experiments (owner_id);
CREATE INDEX models_owner ON models (owner_id);

-- +goose Down
DROP INDEX models_owner;
DROP INDEX experiments_owner;
DROP INDEX datasets_owner;
ALTER TABLE models DROP COLUMN shared;
ALTER TABLE models DROP COLUMN owner_id;
ALTER TABLE experiments DROP COLUMN shared;
ALTER TABLE experiments DROP COLUMN owner_id;
ALTER TABLE datasets DROP COLUMN shared;
ALTER TABLE datasets DROP COLUMN owner_id;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
