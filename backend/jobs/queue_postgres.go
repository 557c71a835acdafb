package jobs

import (
	"context"
	"fmt"

	"github.com/riverqueue/river/riverdriver/riverdatabasesql"

	"transferlab/backend/store"
)

// migrateLockKey names the advisory lock held while River's tables are migrated.
const migrateLockKey int64 = 0x7472_616e_7366_6572 // "transfer"

// OpenPostgres connects River to the PostgreSQL database at url, creating its tables.
// Every process pointed at the database (the web process, any number of workers) shares
// its queue. River speaks database/sql over pgx here, as the store does, so an
// experiment's rows and its arms' jobs are written in one transaction.
func OpenPostgres(ctx context.Context, url string, cfg Config) (*Queue, error) {
	pool, err := store.OpenPostgresPool(url)
	if err != nil {
		return nil, err
	}
	// Processes starting together take turns creating River's tables.
	conn, err := pool.Conn(ctx)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("open job queue: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrateLockKey); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open job queue: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrateLockKey)
	q, err := newQueue(ctx, riverdatabasesql.New(pool), pool, cfg)
	if err != nil {
		return nil, err
	}
	q.postgres = true
	if err := q.holdLiveness(ctx, cfg.TrainingWorkers > 0); err != nil {
		pool.Close()
		return nil, err
	}
	return q, nil
}

// olderTrainingSQL is olderTraining's query in the queue's dialect: River keeps a job's
// arguments as JSON text in SQLite and as jsonb in PostgreSQL. On a shared queue a job
// running in another process names that process's client, so the runner can tell an
// arm another worker admitted (it is that worker's now) from one passing through that
// worker's gate, which may yet be handed back (gate.go).
func (q *Queue) olderTrainingSQL(jobID int64) (string, []any) {
	if q.postgres {
		return `SELECT args->>'experiment_id', args->>'run_id',
			CASE WHEN state = 'running' AND attempted_by[cardinality(attempted_by)] <> $3
				THEN attempted_by[cardinality(attempted_by)] ELSE '' END
		FROM river_job
		WHERE kind = $1 AND id < $2 AND state IN ('available', 'pending', 'running', 'scheduled')`,
			[]any{TrainArmArgs{}.Kind(), jobID, q.Client.ID()}
	}
	return `SELECT json_extract(args, '$.experiment_id'), json_extract(args, '$.run_id'), ''
		FROM river_job
		WHERE kind = ? AND id < ? AND state IN ('available', 'pending', 'running', 'scheduled')`,
		[]any{TrainArmArgs{}.Kind(), jobID}
}

// Shared tells whether other processes may work this queue's jobs: then none of them
// may take a running job for an orphan at start.
func (q *Queue) Shared() bool { return q.postgres }
