package jobs

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"transferlab/backend/datadir"
	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

// logLines keeps what the default logger writes while a test runs.
type logLines struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// count is how many lines hold every one of parts.
func (l *logLines) count(parts ...string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range strings.Split(l.buf.String(), "\n") {
		all := line != ""
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			n++
		}
	}
	return n
}

func captureLog(t *testing.T) *logLines {
	l := &logLines{}
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(old) })
	return l
}

// settleLab is a runner on a real SQLite file with one running run.
func settleLab(t *testing.T) (*Runner, *store.DB, string, string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Now().UTC()
	exp := store.Experiment{ID: store.NewID("exp"), Name: "e", DatasetID: "ds", CreatedAt: now, UpdatedAt: now,
		Runs: []store.Run{{ID: store.NewID("run"), Strategy: "scratch", Status: experiment.Running, Hyper: "{}", CreatedAt: now, UpdatedAt: now}}}
	exp.Runs[0].ExperimentID = exp.ID
	if err := db.CreateExperiment(ctx, &exp, nil); err != nil {
		t.Fatal(err)
	}
	return NewRunner(db, nil, nil, datadir.New(t.TempDir()), nil, 1), db, path, exp.Runs[0].ID
}

func shortSettle(t *testing.T) {
	old := settleBackoff
	settleBackoff = time.Millisecond
	t.Cleanup(func() { settleBackoff = old })
}

// A final status the database refuses for a while (here a trigger standing in for a
// full disk) is written once it takes it again, not dropped.
func TestSettleRetriesUntilTheDatabaseTakesTheOutcome(t *testing.T) {
	shortSettle(t)
	logs := captureLog(t)
	r, db, path, runID := settleLab(t)
	ctx := context.Background()
	other, err := sql.Open("sqlite3", store.DSN(path))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	for _, q := range []string{
		`CREATE TABLE refuse (x INTEGER)`,
		`INSERT INTO refuse VALUES (1)`,
		`CREATE TRIGGER refuse_runs BEFORE UPDATE ON runs WHEN EXISTS (SELECT 1 FROM refuse)
		 BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`,
	} {
		if _, err := other.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	go func() {
		for logs.count("trying again", runID) < 3 {
			time.Sleep(time.Millisecond)
		}
		other.ExecContext(ctx, `DELETE FROM refuse`)
	}()
	now := time.Now().UTC()
	if err := r.settle(ctx, runID, experiment.Failed, store.RunPatch{FinishedAt: &now, Error: store.Set("out of data")}); err != nil {
		t.Fatalf("settle gave up though the database took the write again: %v", err)
	}
	run, err := db.Run(ctx, runID)
	if err != nil || run.Status != experiment.Failed || run.Error != "out of data" || run.FinishedAt == nil {
		t.Fatalf("after settle: %+v %v", run, err)
	}
	if n := logs.count("trying again", runID); n < 3 || n >= settleTries {
		t.Fatalf("%d tries logged", n)
	}
}

// When every try fails, settle says so, in the log and to its caller (River keeps the
// error with the job and runs it again), after settleTries tries.
func TestSettleReportsAnOutcomeItCannotWrite(t *testing.T) {
	shortSettle(t)
	logs := captureLog(t)
	r, db, _, runID := settleLab(t)
	db.Close()
	err := r.settle(context.Background(), runID, experiment.Succeeded, store.RunPatch{})
	if err == nil || !strings.Contains(err.Error(), runID) || !strings.Contains(err.Error(), "succeeded") {
		t.Fatalf("settle on a closed database: %v", err)
	}
	if n := logs.count("trying again", runID); n != settleTries {
		t.Fatalf("%d tries, want %d", n, settleTries)
	}
	if logs.count("could not be recorded", runID) != 1 {
		t.Fatalf("the lost outcome was not logged as an error:\n%s", logs.buf.String())
	}

	// A stop cuts the tries short, with the error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.settle(ctx, runID, experiment.Failed, store.RunPatch{}); err == nil || !strings.Contains(err.Error(), runID) {
		t.Fatalf("settle while stopping: %v", err)
	}
}
