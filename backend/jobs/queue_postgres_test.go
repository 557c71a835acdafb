package jobs

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"transferlab/backend/experiment"
	"transferlab/backend/store"
	"transferlab/backend/store/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// On a shared queue, an older experiment holds a younger one back until some process
// has admitted one of its arms: while its job waits to be fetched, runs in this process,
// or runs in another whose gate has not admitted it (it may hand it back); not once
// that worker is named as the run's worker, which would put the workers in single file.
func TestOlderTrainingOnASharedQueue(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	db, err := store.OpenPostgres(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The queue is never started: its training worker only makes the kind known.
	q, err := OpenPostgres(ctx, url, Config{TrainingWorkers: 1,
		Register: func(w *river.Workers) { river.AddWorker(w, &trainArmWorker{}) }})
	if err != nil {
		t.Fatal(err)
	}
	defer q.pool.Close()
	if !q.Shared() {
		t.Fatal("a queue on PostgreSQL must say it is shared")
	}
	r := &Runner{DB: db, Queue: q}
	now := time.Now().UTC()
	var ids []int64
	for _, exp := range []string{"exp_a", "exp_b"} {
		e := store.Experiment{ID: exp, Name: exp, DatasetID: "ds", Hyper: `{}`, CreatedAt: now, UpdatedAt: now,
			Runs: []store.Run{{ID: "run_" + exp, ExperimentID: exp, Strategy: "scratch", Hyper: `{}`,
				Status: experiment.Queued, CreatedAt: now, UpdatedAt: now}}}
		if err := db.CreateExperiment(ctx, &e, nil); err != nil {
			t.Fatal(err)
		}
		res, err := q.Client.Insert(ctx, TrainArmArgs{RunID: "run_" + exp, ExperimentID: exp}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.Job.ID)
	}
	older := func() []string {
		t.Helper()
		got, err := r.olderUnadmitted(ctx, ids[1])
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := older(); !slices.Equal(got, []string{"exp_a"}) {
		t.Fatalf("older than exp_b while exp_a waits: %v, want [exp_a]", got)
	}
	running := func(by string) {
		t.Helper()
		if _, err := q.pool.ExecContext(ctx, `UPDATE river_job SET state = 'running', attempt = 1,
			attempted_at = now(), attempted_by = ARRAY[$1] WHERE id = $2`, by, ids[0]); err != nil {
			t.Fatal(err)
		}
	}
	running("another-worker")
	if got := older(); !slices.Equal(got, []string{"exp_a"}) {
		t.Fatalf("older than exp_b while exp_a is at another worker's gate: %v, want [exp_a]", got)
	}
	if err := db.SetRunWorker(ctx, "run_exp_a", "another-worker"); err != nil {
		t.Fatal(err)
	}
	if got := older(); len(got) != 0 {
		t.Fatalf("older than exp_b while another worker trains exp_a: %v, want none", got)
	}
	running(q.Client.ID())
	if got := older(); !slices.Equal(got, []string{"exp_a"}) {
		t.Fatalf("older than exp_b while this process runs exp_a: %v, want [exp_a]", got)
	}
	// An arm still to run does not hold a slot here: another worker may take it.
	if r.slotPending(ctx, "exp_a") {
		t.Fatal("on a shared queue a slot was held for an arm that may never come to this process")
	}
}

// A running job goes back to the queue when the process that fetched it is gone, and
// only then: a live process's lock says it is still training.
func TestRequeueDeadTakesOnlyJobsOfDeadProcesses(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	q, err := OpenPostgres(ctx, url, Config{TrainingWorkers: 1,
		Register: func(w *river.Workers) { river.AddWorker(w, &trainArmWorker{}) }})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Stop(ctx)
	// Another process, alive: it holds its lock on its own connection.
	other, err := OpenPostgres(ctx, url, Config{TrainingWorkers: 1,
		Register: func(w *river.Workers) { river.AddWorker(w, &trainArmWorker{}) }})
	if err != nil {
		t.Fatal(err)
	}
	res, err := q.Client.Insert(ctx, TrainArmArgs{RunID: "run_a", ExperimentID: "exp_a"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	runningBy := func(by string) {
		t.Helper()
		if _, err := q.pool.ExecContext(ctx, `UPDATE river_job SET state = 'running', attempt = 1,
			attempted_at = now(), attempted_by = ARRAY[$1] WHERE id = $2`, by, res.Job.ID); err != nil {
			t.Fatal(err)
		}
	}
	state := func() string {
		t.Helper()
		var s string
		if err := q.pool.QueryRowContext(ctx, "SELECT state FROM river_job WHERE id = $1", res.Job.ID).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, by := range []string{other.Client.ID(), q.Client.ID()} {
		runningBy(by)
		if n, err := q.RequeueDead(ctx); err != nil || n != 0 || state() != "running" {
			t.Fatalf("job of a live process: requeued %d, %v, state %s", n, err, state())
		}
	}
	// The other process trains, and is free until it says it is busy.
	trainers := func(want peerCount) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			p, err := q.Trainers(ctx)
			if err == nil && p == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("other trainers: %+v, %v; want %+v", p, err, want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	trainers(peerCount{others: 1, free: 1})
	q.SetBusy(true) // this process's own state does not count
	other.SetBusy(true)
	trainers(peerCount{others: 1, free: 0})
	other.SetBusy(false)
	trainers(peerCount{others: 1, free: 1})
	runningBy(other.Client.ID())
	if err := other.Stop(ctx); err != nil { // its lock goes with its connection
		t.Fatal(err)
	}
	trainers(peerCount{})
	if n, err := q.RequeueDead(ctx); err != nil || n != 1 || state() != "available" {
		t.Fatalf("job of a stopped process: requeued %d, %v, state %s", n, err, state())
	}
}
