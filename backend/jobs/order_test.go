package jobs

import (
	"context"
	"slices"
	"testing"
	"time"

	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

// Experiments created while the start-up jobs still run are admitted in the order
// they were created. The queue fetches their jobs in one batch then and starts them in
// any order (Go runs the newest goroutine first), so before the gate asked the queue
// what came first, the newest experiment trained first.
func TestExperimentsCreatedDuringStartUpTrainInCreationOrder(t *testing.T) {
	ctx := context.Background()
	l := openLab(t, t.TempDir())
	// The start-up jobs a server queues before it listens.
	if _, err := l.queue.Client.Insert(ctx, WarmBuiltinsArgs{}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := l.queue.Client.Insert(ctx, SweepUploadsArgs{OlderThan: time.Hour}, nil); err != nil {
		t.Fatal(err)
	}
	h := experiment.DefaultHyper()
	h.Epochs, h.ValLimit = 1, 50
	var exps []*store.Experiment
	for range 4 {
		exps = append(exps, l.launch(t, h, "finetune"))
		time.Sleep(5 * time.Millisecond) // distinct creation times, as a second apart would be
	}
	if err := l.queue.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var started []time.Time
	for _, e := range exps {
		runs := l.waitRuns(t, e, 3*time.Minute, finished)
		if runs[0].Status != experiment.Succeeded || runs[0].StartedAt == nil {
			t.Fatalf("run %+v", runs[0])
		}
		started = append(started, *runs[0].StartedAt)
	}
	if !slices.IsSortedFunc(started, func(a, b time.Time) int { return a.Compare(b) }) {
		t.Fatalf("experiments started out of creation order: %v", started)
	}
}
