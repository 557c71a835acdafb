-- +goose Up
-- A sweep asks one question along an axis (labels per class, frozen depth, base model,
-- learning rate); each value is an ordinary experiment, its cell, that keeps which
-- sweep and which value it measures. spec holds the axis, values and strategies. A
-- sweep has an owner and may be shared, as its cells do.
CREATE TABLE sweeps (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    dataset_id TEXT NOT NULL,
    axis       TEXT NOT NULL,
    spec       TEXT NOT NULL DEFAULT '{}',
    owner_id   TEXT NOT NULL DEFAULT '',
    shared     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
ALTER TABLE experiments ADD COLUMN sweep_id TEXT NOT NULL DEFAULT '';
ALTER TABLE experiments ADD COLUMN sweep_cell INTEGER NOT NULL DEFAULT 0;
CREATE INDEX experiments_sweep ON experiments (sweep_id, sweep_cell);
CREATE INDEX sweeps_owner ON sweeps (owner_id);

-- +goose Down
DROP INDEX experiments_sweep;
ALTER TABLE experiments DROP COLUMN sweep_cell;
ALTER TABLE experiments DROP COLUMN sweep_id;
DROP TABLE sweeps;
