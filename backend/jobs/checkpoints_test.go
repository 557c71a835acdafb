package jobs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"transferlab/backend/experiment"
)

// Every run that ends for good, whichever way, leaves no checkpoint behind: one that
// succeeds, one that fails after training and one cancelled mid-training.
func TestFinishedRunsLeaveNoCheckpoint(t *testing.T) {
	l := newLab(t, t.TempDir())
	h := experiment.DefaultHyper()
	h.Epochs = 4
	h.EvalEvery = 8 // once an epoch: validation is most of a step's cost here
	e := l.launch(t, h, "finetune", "scratch", "finetune")
	ctx := context.Background()
	// The second arm fails at its very end: a folder stands where its model goes.
	_, modelPath := l.runner.DataDir.UserModel("model-" + strings.TrimPrefix(e.Runs[1].ID, "run_"))
	if err := os.MkdirAll(filepath.Join(modelPath, "in-the-way"), 0o755); err != nil {
		t.Fatal(err)
	}
	cancelled := e.Runs[2].ID
	deadline := time.Now().Add(2 * time.Minute)
	for {
		r, err := l.db.Run(ctx, cancelled)
		if err != nil {
			t.Fatal(err)
		}
		if r.EpochsDone >= 1 {
			if _, err := os.Stat(l.runner.DataDir.Checkpoint(cancelled)); err != nil {
				t.Fatalf("no checkpoint after an epoch: %v", err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no epoch done: %+v", r)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := l.runner.CancelRun(ctx, cancelled); err != nil {
		t.Fatal(err)
	}
	runs := l.waitRuns(t, e, 3*time.Minute, finished)
	want := []experiment.RunStatus{experiment.Succeeded, experiment.Failed, experiment.Cancelled}
	for i, r := range runs {
		if r.Status != want[i] || r.EpochsDone < 1 {
			t.Fatalf("run %d is %s after %d epochs, want %s after at least one (a checkpoint written)", i, r.Status, r.EpochsDone, want[i])
		}
	}
	// The cancelled run's worker removes its checkpoint as it stops; wait for that.
	deadline = time.Now().Add(10 * time.Second)
	for _, r := range runs {
		for {
			_, err := os.Stat(l.runner.DataDir.Run(r.ID))
			got, _ := l.db.Run(ctx, r.ID)
			if os.IsNotExist(err) && got.CheckpointPath == "" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s run still has its checkpoint (%v, row says %q)", r.Status, err, got.CheckpointPath)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func TestKeepCheckpointsKeepsThem(t *testing.T) {
	l := newLab(t, t.TempDir())
	l.runner.KeepCheckpoints = true
	h := experiment.DefaultHyper()
	h.Epochs = 2
	h.EvalEvery = 8
	e := l.launch(t, h, "finetune")
	runs := l.waitRuns(t, e, 2*time.Minute, finished)
	if runs[0].Status != experiment.Succeeded {
		t.Fatalf("run %s: %s", runs[0].Status, runs[0].Error)
	}
	if _, err := os.Stat(l.runner.DataDir.Checkpoint(runs[0].ID)); err != nil || runs[0].CheckpointPath == "" {
		t.Fatalf("kept checkpoint: %v, row says %q", err, runs[0].CheckpointPath)
	}
}
