-- +goose Up
-- Live events of experiments whose web and worker processes share a PostgreSQL
-- database: a worker appends each point here and every web process reads them by
-- sequence, so viewers of any web process get them once, in order, and can resume
-- after a web process restarts. live_topics holds each experiment's last sequence;
-- its row lock makes writers from several workers take turns, so sequences have no
-- gaps and become visible in order. The embedded SQLite mode never writes here.
CREATE TABLE live_topics (
    experiment_id TEXT PRIMARY KEY REFERENCES experiments (id) ON DELETE CASCADE,
    seq           BIGINT NOT NULL
);
CREATE TABLE live_events (
    experiment_id TEXT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    seq           BIGINT NOT NULL,
    run_id        TEXT NOT NULL DEFAULT '',
    kind          TEXT NOT NULL,
    data          TEXT NOT NULL,
    PRIMARY KEY (experiment_id, seq)
);

-- +goose Down
DROP TABLE live_events;
DROP TABLE live_topics;
