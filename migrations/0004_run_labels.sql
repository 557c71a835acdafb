-- +goose Up
-- A person's short name and tags for a run, kept apart from the runs row that the
-- training worker writes, so relabelling never races a run's progress updates.
CREATE TABLE run_labels (
    run_id     TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    name       TEXT NOT NULL DEFAULT '',
    tags       TEXT NOT NULL DEFAULT '[]',
    updated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE run_labels;
