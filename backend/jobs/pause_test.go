package jobs

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"transferlab/backend/store"
	"transferlab/models"
)

// A paused run waits for what it needs, not a fixed figure: a small run on a small disk
// goes on with a few MiB free, a large one waits for room for its checkpoints.
func TestSpaceToResumeFollowsTheRunsSize(t *testing.T) {
	r, _, _, runID := settleLab(t)
	r.Zoo = models.Zoo
	ctx := context.Background()
	if got := r.spaceToResume(ctx, &store.Experiment{}, runID); got != resumeFloor {
		t.Errorf("a scratch run with no checkpoint yet waits for %d bytes, want the floor %d", got, resumeFloor)
	}
	if _, err := r.DB.SyncZoo(ctx, models.Zoo, store.ZooPrefix); err != nil {
		t.Fatal(err)
	}
	st, err := fs.Stat(models.Zoo, "mobilenetv2-imagenet-b10.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	exp := &store.Experiment{BaseModelID: "mobilenetv2-imagenet-b10"}
	if got, want := r.spaceToResume(ctx, exp, runID), 3*uint64(st.Size())+resumeFloor; got != want {
		t.Errorf("a fine-tune with no checkpoint yet waits for %d bytes, want %d (its base model's)", got, want)
	}
	ckpt := r.DataDir.Checkpoint(runID)
	if err := os.MkdirAll(filepath.Dir(ckpt), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ckpt, make([]byte, 5<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, want := r.spaceToResume(ctx, exp, runID), uint64(15<<20)+resumeFloor; got != want {
		t.Errorf("a run with a 5 MiB checkpoint waits for %d bytes, want %d", got, want)
	}

	r.setPaused(runID, PausedFull)
	if r.PausedWhy(runID) != PausedFull || r.PausedWhy("run_other") != "" {
		t.Fatalf("paused: %q, other %q", r.PausedWhy(runID), r.PausedWhy("run_other"))
	}
	r.setPaused(runID, "")
	if r.PausedWhy(runID) != "" {
		t.Fatal("a resumed run still reads as paused")
	}
}
