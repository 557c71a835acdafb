-- +goose Up
-- An experiment's status is derived from its runs and was never updated after
-- creation; an artifact's path was never written. The summary keeps the result (speedup
-- per arm) as it stands, so listing experiments reads no curves.
ALTER TABLE experiments DROP COLUMN status;
ALTER TABLE artifacts DROP COLUMN path;
ALTER TABLE experiments ADD COLUMN summary TEXT NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE experiments DROP COLUMN summary;
ALTER TABLE artifacts ADD COLUMN path TEXT NOT NULL DEFAULT '';
ALTER TABLE experiments ADD COLUMN status TEXT NOT NULL DEFAULT 'queued';
