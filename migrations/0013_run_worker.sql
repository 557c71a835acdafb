-- +goose Up
-- The queue client (a worker process, or the server's own workers) whose gate admitted
-- each run, written before the run trains and again whenever another process resumes
-- it. With several workers it says where each arm trains, and it tells an arm that a
-- worker admitted from one that is only passing through a worker's gate.
ALTER TABLE runs ADD COLUMN worker TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE runs DROP COLUMN worker;
