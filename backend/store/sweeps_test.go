package store

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"transferlab/backend/experiment"
)

func sweepPlan(t *testing.T, values ...string) *experiment.SweepPlan {
	t.Helper()
	p := &experiment.SweepPlan{Name: "labels", DatasetID: "ds_1", Axis: experiment.AxisLabels,
		Strategies: []string{"finetune", "scratch"}, Replicates: 2}
	ft, _ := experiment.ParseStrategy("finetune")
	sc, _ := experiment.ParseStrategy("scratch")
	for i, v := range values {
		h := experiment.DefaultHyper()
		h.Replicates = 2
		plan := &experiment.Plan{Name: "labels · " + v, DatasetID: "ds_1", Arch: "cnn", Hyper: h,
			Arms: []experiment.Arm{{Index: 0, Strategy: ft, Hyper: h}, {Index: 1, Strategy: sc, Hyper: h}}}
		p.Cells = append(p.Cells, experiment.SweepCell{Index: i, Value: v, Label: v + " per class", Plan: plan})
	}
	return p
}

func TestSweepStoresItsCellsAsExperiments(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	s, cells := NewSweep(sweepPlan(t, "2", "10", "50"), time.Now().UTC())
	if err := db.CreateSweep(ctx, s, cells, nil); err != nil {
		t.Fatal(err)
	}
	got, err := db.SweepCells(ctx, s.ID)
	if err != nil || len(got) != 3 {
		t.Fatalf("cells %d, %v", len(got), err)
	}
	for i, e := range got {
		if e.SweepID != s.ID || e.SweepCell != i || len(e.Runs) != 4 {
			t.Fatalf("cell %d: sweep %q cell %d with %d runs", i, e.SweepID, e.SweepCell, len(e.Runs))
		}
		// A cell is an ordinary experiment.
		if one, err := db.Experiment(ctx, e.ID); err != nil || one.SweepID != s.ID {
			t.Fatalf("cell %d as an experiment: %v", i, err)
		}
	}
	if list, err := db.Sweeps(ctx, 10); err != nil || len(list) != 1 || list[0].Spec == "" {
		t.Fatalf("sweeps %+v, %v", list, err)
	}
	if _, err := db.Sweep(ctx, "swp_nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown sweep: %v", err)
	}

	// A launch whose queueing fails leaves nothing behind.
	s2, cells2 := NewSweep(sweepPlan(t, "5"), time.Now().UTC())
	err = db.CreateSweep(ctx, s2, cells2, func(*sql.Tx) error { return errors.New("queue down") })
	if err == nil {
		t.Fatal("a failed enqueue should fail the launch")
	}
	if _, err := db.Sweep(ctx, s2.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the sweep of a failed launch is left: %v", err)
	}
	if left, _ := db.SweepCells(ctx, s2.ID); len(left) != 0 {
		t.Fatalf("%d cells of a failed launch are left", len(left))
	}
}
