package jobs

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"transferlab/backend/datadir"
	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

// A run left marked running with no job (its outcome lost to a crash or a full disk)
// gets a job again at start; runs with a job and finished runs are left alone.
func TestReconcileRequeuesRunsWithoutAJob(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "t.db")
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The training worker is registered but never started: only the queue's rows matter.
	runner := NewRunner(db, nil, nil, datadir.New(t.TempDir()), nil, 1)
	q, err := Open(ctx, dbPath, Config{Register: runner.Register})
	if err != nil {
		t.Fatal(err)
	}
	defer q.pool.Close()
	now := time.Now().UTC()
	exp := store.Experiment{ID: store.NewID("exp"), Name: "e", DatasetID: "ds", CreatedAt: now, UpdatedAt: now}
	for i, status := range []experiment.RunStatus{experiment.Running, experiment.Running, experiment.Succeeded} {
		exp.Runs = append(exp.Runs, store.Run{ID: store.NewID("run"), ExperimentID: exp.ID, ArmIndex: i, Strategy: "scratch",
			Status: status, Hyper: "{}", CreatedAt: now.Add(time.Duration(i)), UpdatedAt: now})
	}
	if err := db.CreateExperiment(ctx, &exp, nil); err != nil {
		t.Fatal(err)
	}
	withJob, orphan, done := exp.Runs[0].ID, exp.Runs[1].ID, exp.Runs[2].ID
	if _, err := q.Client.Insert(ctx, TrainArmArgs{RunID: withJob, ExperimentID: exp.ID}, nil); err != nil {
		t.Fatal(err)
	}
	requeued, failed, err := q.Reconcile(ctx, db)
	if err != nil || requeued != 1 || failed != 0 {
		t.Fatalf("requeued %d, failed %d, err %v; want 1, 0", requeued, failed, err)
	}
	jobs, err := q.jobRuns(ctx, []rivertype.JobState{rivertype.JobStateAvailable})
	if err != nil {
		t.Fatal(err)
	}
	if !jobs[withJob] || !jobs[orphan] || jobs[done] || len(jobs) != 2 {
		t.Fatalf("jobs for %v", jobs)
	}
	for id, want := range map[string]experiment.RunStatus{withJob: experiment.Running, orphan: experiment.Queued, done: experiment.Succeeded} {
		r, err := db.Run(ctx, id)
		if err != nil || r.Status != want {
			t.Fatalf("run %s: %v %v, want %s", id, r.Status, err, want)
		}
	}
	// A second start finds every unfinished run with its job.
	if requeued, _, err := q.Reconcile(ctx, db); err != nil || requeued != 0 {
		t.Fatalf("second reconcile requeued %d (%v)", requeued, err)
	}
}
