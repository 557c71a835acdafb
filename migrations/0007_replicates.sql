-- +goose Up
-- Every arm runs once per seed (replicate); runs keep which replicate they are and its
-- seed, which also picks the replicate's training sample where the data is a sample.
ALTER TABLE runs ADD COLUMN replicate INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN seed INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE runs DROP COLUMN seed;
ALTER TABLE runs DROP COLUMN replicate;
