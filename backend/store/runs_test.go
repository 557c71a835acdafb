package store

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"transferlab/backend/experiment"
)

func runningArm(t *testing.T, db *DB) *Experiment {
	t.Helper()
	now := time.Now().UTC()
	e := &Experiment{ID: NewID("exp"), Name: "e", DatasetID: "d", CreatedAt: now, UpdatedAt: now,
		Runs: []Run{{ID: NewID("run"), Strategy: "finetune", Status: experiment.Running, CreatedAt: now, UpdatedAt: now}}}
	if err := db.CreateExperiment(context.Background(), e, nil); err != nil {
		t.Fatal(err)
	}
	return e
}

// Finishing an arm writes its last points, evaluation, model and row together or not
// at all: a run is never succeeded without its model, nor a model left for a run that
// did not finish.
func TestFinishArmIsOneTransaction(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	e := runningArm(t, db)
	runID := e.Runs[0].ID
	now := time.Now().UTC()
	finished := func(points ...Metric) FinishedArm {
		return FinishedArm{RunID: runID, Metrics: points, Evaluation: `{"test":{"accuracy":0.9}}`,
			Model: Model{ID: "model-x", Name: "m", Arch: "cnn", Path: "models/user/model-x.safetensors", RunID: &runID,
				Source: "run", CreatedAt: now, UpdatedAt: now},
			Patch: RunPatch{Steps: Set(40), TestAcc: Set(0.9)}}
	}
	// A point of a run that does not exist breaks the transaction at its first write.
	if _, err := db.FinishArm(ctx, finished(Metric{RunID: "run_ghost", Name: "val_acc", Step: 40, Value: 0.9})); err == nil {
		t.Fatal("a finish with a broken point succeeded")
	}
	if _, err := db.Model(ctx, "model-x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the failed finish left its model: %v", err)
	}
	if _, err := db.Evaluation(ctx, runID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the failed finish left its evaluation: %v", err)
	}
	if r, _ := db.Run(ctx, runID); r.Status != experiment.Running || r.ModelID != "" {
		t.Fatalf("the failed finish changed the run: %+v", r)
	}

	changed, err := db.FinishArm(ctx, finished(Metric{RunID: runID, Name: "val_acc", Step: 40, Value: 0.9}))
	if err != nil || !changed {
		t.Fatalf("finish: %v %v", changed, err)
	}
	r, _ := db.Run(ctx, runID)
	if r.Status != experiment.Succeeded || r.ModelID != "model-x" || r.Steps != 40 || r.FinishedAt == nil || *r.TestAcc != 0.9 {
		t.Fatalf("finished run %+v", r)
	}
	if pts, _ := db.Metrics(ctx, runID, "val_acc", 0); len(pts) != 1 {
		t.Fatalf("%d last points written", len(pts))
	}
	if ev, err := db.Evaluation(ctx, runID); err != nil || ev == "" {
		t.Fatalf("evaluation %q %v", ev, err)
	}
}

// A run cancelled while it was being evaluated stays cancelled.
func TestFinishArmKeepsACancel(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	e := runningArm(t, db)
	runID := e.Runs[0].ID
	if _, err := db.SetRunStatusUnlessFinished(ctx, runID, experiment.Cancelled, RunPatch{}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	changed, err := db.FinishArm(ctx, FinishedArm{RunID: runID, Evaluation: "{}",
		Model: Model{ID: "model-y", Name: "m", Arch: "cnn", Path: "p", CreatedAt: now, UpdatedAt: now}})
	if err != nil || changed {
		t.Fatalf("finish after cancel: %v %v", changed, err)
	}
	if r, _ := db.Run(ctx, runID); r.Status != experiment.Cancelled {
		t.Fatalf("status %s", r.Status)
	}
}

// Creating an experiment whose jobs cannot be queued leaves nothing.
func TestCreateExperimentRollsBackWhenQueuingFails(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	now := time.Now().UTC()
	e := &Experiment{ID: NewID("exp"), Name: "e", DatasetID: "d", CreatedAt: now, UpdatedAt: now,
		Runs: []Run{{ID: NewID("run"), Strategy: "scratch", Status: experiment.Queued, CreatedAt: now, UpdatedAt: now}}}
	boom := errors.New("queue full")
	if err := db.CreateExperiment(ctx, e, func(*sql.Tx) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("create: %v", err)
	}
	if _, err := db.Experiment(ctx, e.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("experiment left: %v", err)
	}
	if _, err := db.Run(ctx, e.Runs[0].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("run left: %v", err)
	}
}
