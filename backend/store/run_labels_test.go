package store

import (
	"context"
	"testing"
	"time"

	"transferlab/backend/experiment"
)

func TestRunLabelsGoWithTheirRun(t *testing.T) {
	d := openTemp(t)
	ctx := context.Background()
	now := time.Now().UTC()
	e := Experiment{ID: "exp_1", Name: "e", DatasetID: "ds", Hyper: `{}`, CreatedAt: now, UpdatedAt: now,
		Runs: []Run{{ID: "run_f", Strategy: "finetune", Hyper: `{}`, Status: experiment.Succeeded, CreatedAt: now, UpdatedAt: now}}}
	if err := d.CreateExperiment(ctx, &e, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SetRunLabel(ctx, "run_f", "x", []string{"t"}); err != nil {
		t.Fatal(err)
	}
	if err := d.g.Exec("DELETE FROM experiments WHERE id = ?", "exp_1").Error; err != nil {
		t.Fatal(err)
	}
	labels, err := d.RunLabels(ctx, []string{"run_f"})
	if err != nil || len(labels) != 0 {
		t.Fatalf("labels outlived their run: %v %v", labels, err)
	}
	if _, err := d.SetRunLabel(ctx, "run_f", "x", nil); err != ErrNotFound {
		t.Fatalf("labelling a deleted run: %v", err)
	}
}
