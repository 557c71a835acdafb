package jobs

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

func TestCancelStopsTheRunWithinASecondAndKeepsItsCurve(t *testing.T) {
	l := newLab(t, t.TempDir())
	h := experiment.DefaultHyper()
	h.Epochs = 50
	e := l.launch(t, h, "finetune", "scratch")
	ctx := context.Background()
	runs := l.waitRuns(t, e, time.Minute, func(r store.Run) bool {
		pts, _ := l.db.Metrics(ctx, r.ID, "train_loss", 0)
		return len(pts) >= 3
	})
	start := time.Now()
	if err := l.runner.CancelRun(ctx, runs[0].ID); err != nil {
		t.Fatal(err)
	}
	var stoppedAt int
	for {
		pts, _ := l.db.Metrics(ctx, runs[0].ID, "train_loss", 0)
		time.Sleep(300 * time.Millisecond)
		again, _ := l.db.Metrics(ctx, runs[0].ID, "train_loss", 0)
		if len(again) == len(pts) && time.Since(start) > 600*time.Millisecond {
			stoppedAt = len(again)
			break
		}
		if time.Since(start) > 3*time.Second {
			t.Fatalf("cancelled run still recording steps after %s", time.Since(start))
		}
	}
	r, _ := l.db.Run(ctx, runs[0].ID)
	if r.Status != experiment.Cancelled || r.FinishedAt == nil || stoppedAt < 3 {
		t.Fatalf("cancelled run %+v with %d points", r, stoppedAt)
	}
	// The other arm goes on.
	other, _ := l.db.Run(ctx, runs[1].ID)
	if other.Status != experiment.Running {
		t.Fatalf("the other arm is %s", other.Status)
	}
	if err := l.runner.CancelRun(ctx, runs[1].ID); err != nil {
		t.Fatal(err)
	}
	l.waitRuns(t, e, 10*time.Second, finished)
}

// A process stopped mid-training leaves the run to resume from its checkpoint in the
// next process, with one point per step and no repeats.
func TestRunResumesAfterRestartWithoutLosingOrRepeatingPoints(t *testing.T) {
	dir := t.TempDir()
	l := newLab(t, dir)
	h := experiment.DefaultHyper()
	h.Epochs = 40
	h.EvalEvery = 8 // once per epoch
	e := l.launch(t, h, "finetune")
	l.waitRuns(t, e, 2*time.Minute, func(r store.Run) bool { return r.EpochsDone >= 2 })
	l.stop()
	db, err := store.Open(context.Background(), filepath.Join(dir, "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	if r, err := db.Run(context.Background(), e.Runs[0].ID); err != nil || r.Status.Finished() {
		t.Fatalf("the run was not mid-training when stopped: %+v %v", r, err)
	}
	db.Close()

	l2 := newLab(t, dir)
	runs := l2.waitRuns(t, e, 3*time.Minute, finished)
	if runs[0].Status != experiment.Succeeded || runs[0].Steps != 320 {
		t.Fatalf("resumed run %+v", runs[0])
	}
	pts, _ := l2.db.Metrics(context.Background(), runs[0].ID, "train_loss", 0)
	if len(pts) != 320 {
		t.Fatalf("%d train_loss points after resume, want 320", len(pts))
	}
	for i, p := range pts {
		if p.Step != int64(i+1) {
			t.Fatalf("point %d has step %d", i, p.Step)
		}
	}
	val, _ := l2.db.Metrics(context.Background(), runs[0].ID, "val_acc", 0)
	if len(val) != 40 {
		t.Fatalf("%d val points, want 40", len(val))
	}
}

func TestDivergingRunFailsWithItsStepAndAdviceWhileTheOtherArmGoesOn(t *testing.T) {
	l := newLab(t, t.TempDir())
	h := experiment.DefaultHyper()
	h.Epochs = 10
	// Weight decay of 1 at learning rate 10 multiplies every weight by -9 a step: the
	// scratch arm's weights overflow float32 within a few dozen steps.
	e := l.launchWith(t, h, func(arm int, h *experiment.Hyper) {
		if arm == 1 {
			h.LR, h.WeightDecay = 10, 1
		}
	}, "finetune", "scratch")
	runs := l.waitRuns(t, e, 3*time.Minute, finished)
	if runs[0].Status != experiment.Succeeded {
		t.Fatalf("healthy arm %s: %s", runs[0].Status, runs[0].Error)
	}
	if runs[1].Status != experiment.Failed || !strings.Contains(runs[1].Error, "step ") || !strings.Contains(runs[1].Error, "lower learning rate") {
		t.Fatalf("diverging arm %s: %q", runs[1].Status, runs[1].Error)
	}
	// Its curve up to the failure is kept.
	pts, _ := l.db.Metrics(context.Background(), runs[1].ID, "train_loss", 0)
	if len(pts) == 0 {
		t.Fatal("the failed run lost its curve")
	}
}
