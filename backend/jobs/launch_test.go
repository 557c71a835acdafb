package jobs

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"transferlab/backend/datadir"
	"transferlab/backend/experiment"
	"transferlab/backend/live"
	"transferlab/backend/store"
	"transferlab/models"
)

// twoArms is the rows of a fine-tune-versus-scratch experiment.
func twoArms(t *testing.T) *store.Experiment {
	t.Helper()
	plan := &experiment.Plan{Name: "t", DatasetID: "mnist-5-9-50", BaseModelID: "cnn-mnist04", Arch: "cnn",
		Hyper: experiment.DefaultHyper(), Arms: []experiment.Arm{
			{Index: 0, Strategy: experiment.Strategy{Kind: experiment.Finetune}, Hyper: experiment.DefaultHyper()},
			{Index: 1, Strategy: experiment.Strategy{Kind: experiment.Scratch}, Hyper: experiment.DefaultHyper()}}}
	return store.NewExperiment(plan, time.Now().UTC())
}

func trainJobs(t *testing.T, q *Queue) int {
	t.Helper()
	res, err := q.Client.JobList(context.Background(), river.NewJobListParams().Kinds(TrainArmArgs{}.Kind()))
	if err != nil {
		t.Fatal(err)
	}
	return len(res.Jobs)
}

// A launch whose jobs cannot be queued leaves no experiment and no runs behind, and one
// that can leaves the rows and a job per arm: rows and jobs share one transaction.
func TestLaunchIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "t.db")
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hub := live.NewHub(10, 10)

	// A queue without the training worker refuses train_arm jobs inside the transaction.
	broken := NewRunner(db, hub, models.Zoo, datadir.New(dir), nil, 1)
	q, err := Open(ctx, dbPath, Config{UploadsDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	broken.Queue = q
	e := twoArms(t)
	err = broken.Launch(ctx, e)
	if err == nil {
		t.Fatal("a launch whose jobs were refused succeeded")
	}
	t.Logf("refused launch: %v", err)
	if _, err := db.Experiment(ctx, e.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the failed launch left its experiment: %v", err)
	}
	for _, r := range e.Runs {
		if _, err := db.Run(ctx, r.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the failed launch left run %s: %v", r.ID, err)
		}
	}
	if n := trainJobs(t, q); n != 0 {
		t.Fatalf("the failed launch left %d jobs", n)
	}
	if err := q.Stop(ctx); err != nil {
		t.Fatal(err)
	}

	runner := NewRunner(db, hub, models.Zoo, datadir.New(dir), nil, 1)
	q2, err := Open(ctx, dbPath, Config{UploadsDir: dir, Register: runner.Register})
	if err != nil {
		t.Fatal(err)
	}
	defer q2.Stop(ctx)
	runner.Queue = q2
	e = twoArms(t)
	if err := runner.Launch(ctx, e); err != nil {
		t.Fatal(err)
	}
	got, err := db.Experiment(ctx, e.ID)
	if err != nil || len(got.Runs) != 2 {
		t.Fatalf("launched experiment: %+v %v", got, err)
	}
	if n := trainJobs(t, q2); n != 2 {
		t.Fatalf("%d jobs for 2 arms", n)
	}
}
