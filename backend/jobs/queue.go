// Package jobs owns the durable job queue: River on the application's database, the job
// kinds and their workers, and getting work going again after a restart.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"transferlab/backend/store"
)

// Queue names. Training has its own queue so its concurrency limit never starves the
// small maintenance jobs.
const (
	QueueTraining    = "training"
	QueueMaintenance = river.QueueDefault
)

// Config says how much work this process takes on.
type Config struct {
	TrainingWorkers int
	UploadsDir      string
	DatasetsDir     string
	BuiltinDir      string
	Logger          *slog.Logger
	// TrainOnly works training jobs and nothing else (a `worker` process); with
	// TrainingWorkers 0 the process trains nothing (`serve --workers 0`).
	TrainOnly bool
	// Register adds further job kinds (training arms) to the worker set.
	Register func(*river.Workers)
}

// Queue wraps the River client and the connection pool River uses.
type Queue struct {
	Client *river.Client[*sql.Tx]
	pool   *sql.DB
	// postgres says the queue is on PostgreSQL, shared with other processes; live is
	// this process's proof of life there.
	postgres bool
	live     *liveness
	logger   *slog.Logger
}

// Open connects River to the SQLite file at dbPath, creating its tables. River gets a
// pool of its own with a single connection, as its SQLite driver asks: its maintenance
// services run concurrently and would otherwise trip over SQLite's one writer. Jobs
// that must exist exactly when their rows do are not inserted through that pool: a
// launch hands River the store's own transaction (InsertManyTx), which holds the
// file's write lock until both the rows and the jobs are in.
func Open(ctx context.Context, dbPath string, cfg Config) (*Queue, error) {
	pool, err := sql.Open("sqlite3", store.DSN(dbPath))
	if err != nil {
		return nil, fmt.Errorf("open job queue: %w", err)
	}
	pool.SetMaxOpenConns(1)
	return newQueue(ctx, riversqlite.New(pool), pool, cfg)
}

// newQueue migrates River's tables on driver's database and makes the client; it owns
// pool from here on and closes it on failure.
func newQueue(ctx context.Context, driver riverdriver.Driver[*sql.Tx], pool *sql.DB, cfg Config) (*Queue, error) {
	migrator, err := rivermigrate.New(driver, nil)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("job queue migrations: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		pool.Close()
		return nil, fmt.Errorf("migrate job queue: %w", err)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &SweepUploadsWorker{Dir: cfg.UploadsDir, PartDirs: []string{cfg.DatasetsDir, cfg.BuiltinDir}})
	if cfg.Register != nil {
		cfg.Register(workers)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	client, err := river.NewClient(driver, &river.Config{
		Queues:  queueConfig(cfg),
		Workers: workers,
		// Leftovers of uploads and imports killed mid-way, while the server runs.
		PeriodicJobs: []*river.PeriodicJob{PeriodicSweep()},
		// Training runs as long as its budget says; cancellation is explicit.
		JobTimeout:        -1,
		FetchCooldown:     50 * time.Millisecond,
		FetchPollInterval: 250 * time.Millisecond,
		PollOnly:          true,
		Logger:            quieter(logger).With("component", "river"),
	})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("job queue client: %w", err)
	}
	return &Queue{Client: client, pool: pool, logger: logger}, nil
}

// RequeueOrphans makes jobs that were running when a previous process died available
// again, so training resumes from its last checkpoint instead of waiting for River's
// stuck-job rescuer (an hour by default). Only call it while holding the data
// directory's lock: then no other process can be working those jobs.
func (q *Queue) RequeueOrphans(ctx context.Context) (int64, error) {
	res, err := q.pool.ExecContext(ctx,
		`UPDATE river_job SET state = 'available', max_attempts = max_attempts + 1 WHERE state = 'running'`)
	if err != nil {
		return 0, fmt.Errorf("requeue interrupted jobs: %w", err)
	}
	return res.RowsAffected()
}

// olderJob is a live training job inserted before another one.
type olderJob struct {
	ExperimentID string
	RunID        string
	// Elsewhere is the queue client of another process that has fetched the job; empty
	// while it waits to be fetched or runs in this process.
	Elsewhere string
}

// olderTraining lists the training jobs inserted before jobID that are waiting or
// running. A job waiting on a retry after an error is not listed: it has lost its place
// in line.
func (q *Queue) olderTraining(ctx context.Context, jobID int64) ([]olderJob, error) {
	query, args := q.olderTrainingSQL(jobID)
	rows, err := q.pool.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var jobs []olderJob
	for rows.Next() {
		var exp, run, elsewhere sql.NullString
		if err := rows.Scan(&exp, &run, &elsewhere); err != nil {
			return nil, err
		}
		if exp.Valid {
			jobs = append(jobs, olderJob{ExperimentID: exp.String, RunID: run.String, Elsewhere: elsewhere.String})
		}
	}
	return jobs, rows.Err()
}

// Start begins working jobs.
func (q *Queue) Start(ctx context.Context) error {
	if err := q.Client.Start(ctx); err != nil {
		return err
	}
	if q.live != nil {
		q.live.started = true
		go q.watchDead(q.logger)
	}
	return nil
}

// Ping reports whether the queue's database answers.
func (q *Queue) Ping(ctx context.Context) error { return q.pool.PingContext(ctx) }

// Stop finishes in-flight work within ctx's deadline, cancels what is left, and closes
// the pool.
func (q *Queue) Stop(ctx context.Context) error {
	err := q.Client.StopAndCancel(ctx)
	q.endLiveness()
	if cerr := q.pool.Close(); err == nil {
		err = cerr
	}
	return err
}

// quieter passes on River's warnings and errors only, unless debug logging is on: its
// info lines (a count of jobs every few seconds) would drown the server's own.
func quieter(l *slog.Logger) *slog.Logger {
	if l.Enabled(context.Background(), slog.LevelDebug) {
		return l
	}
	return slog.New(minLevel{l.Handler(), slog.LevelWarn})
}

type minLevel struct {
	slog.Handler
	min slog.Level
}

func (m minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= m.min && m.Handler.Enabled(ctx, l)
}

func (m minLevel) WithAttrs(a []slog.Attr) slog.Handler {
	return minLevel{m.Handler.WithAttrs(a), m.min}
}
func (m minLevel) WithGroup(n string) slog.Handler { return minLevel{m.Handler.WithGroup(n), m.min} }
