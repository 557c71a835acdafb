-- +goose Up
-- Ids are application-made text so rows can be created on any machine, and every type
-- here means the same in SQLite and PostgreSQL.
CREATE TABLE datasets (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    status      TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT 'upload',
    format      TEXT NOT NULL DEFAULT '',
    num_classes INTEGER NOT NULL DEFAULT 0,
    num_images  INTEGER NOT NULL DEFAULT 0,
    channels    INTEGER NOT NULL DEFAULT 0,
    height      INTEGER NOT NULL DEFAULT 0,
    width       INTEGER NOT NULL DEFAULT 0,
    classes     TEXT NOT NULL DEFAULT '[]',
    splits      TEXT NOT NULL DEFAULT '{}',
    stats       TEXT NOT NULL DEFAULT '{}',
    report      TEXT NOT NULL DEFAULT '{}',
    path        TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE models (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    arch           TEXT NOT NULL,
    channels       INTEGER NOT NULL,
    height         INTEGER NOT NULL,
    width          INTEGER NOT NULL,
    classes        TEXT NOT NULL DEFAULT '[]',
    source         TEXT NOT NULL DEFAULT 'zoo',
    source_dataset TEXT NOT NULL DEFAULT '',
    test_accuracy  DOUBLE PRECISION,
    card           TEXT NOT NULL DEFAULT '{}',
    path           TEXT NOT NULL,
    run_id         TEXT,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE experiments (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    dataset_id    TEXT NOT NULL,
    base_model_id TEXT NOT NULL DEFAULT '',
    arch          TEXT NOT NULL DEFAULT '',
    hyper         TEXT NOT NULL DEFAULT '{}',
    status        TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX experiments_created_at ON experiments (created_at);

CREATE TABLE runs (
    id              TEXT PRIMARY KEY,
    experiment_id   TEXT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    arm_index       INTEGER NOT NULL,
    strategy        TEXT NOT NULL,
    hyper           TEXT NOT NULL DEFAULT '{}',
    status          TEXT NOT NULL,
    error           TEXT NOT NULL DEFAULT '',
    steps           INTEGER NOT NULL DEFAULT 0,
    total_steps     INTEGER NOT NULL DEFAULT 0,
    epochs_done     INTEGER NOT NULL DEFAULT 0,
    best_val_acc    DOUBLE PRECISION,
    final_val_acc   DOUBLE PRECISION,
    test_acc        DOUBLE PRECISION,
    checkpoint_path TEXT NOT NULL DEFAULT '',
    model_id        TEXT NOT NULL DEFAULT '',
    started_at      TIMESTAMP,
    finished_at     TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX runs_experiment ON runs (experiment_id);

-- One point per run, metric and step: a resumed run rewrites the same keys instead of
-- duplicating them.
CREATE TABLE metrics (
    run_id    TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    step      BIGINT NOT NULL,
    epoch     DOUBLE PRECISION NOT NULL,
    split     TEXT NOT NULL DEFAULT '',
    value     DOUBLE PRECISION NOT NULL,
    wall_time DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (run_id, name, step)
);

CREATE TABLE artifacts (
    id         TEXT PRIMARY KEY,
    run_id     TEXT REFERENCES runs (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    path       TEXT NOT NULL DEFAULT '',
    meta       TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX artifacts_run ON artifacts (run_id, kind);

-- +goose Down
DROP TABLE artifacts;
DROP TABLE metrics;
DROP TABLE runs;
DROP TABLE experiments;
DROP TABLE models;
DROP TABLE datasets;
