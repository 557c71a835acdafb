package jobs

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// withLanes sets how many arms of an experiment step at once for one test.
func withLanes(t *testing.T, n int) {
	old := lanes
	lanes = n
	t.Cleanup(func() { lanes = old })
}

// A gate alone on its queue keeps every arm it is given: all arms of an admitted
// experiment join it, and another experiment waits for the slot instead of leaving.
func TestAGateAloneKeepsEveryArm(t *testing.T) {
	withLanes(t, 2)
	ctx := context.Background()
	g := newGate(1)
	g.peers = func(context.Context) (int, error) { return 0, nil } // not a shared queue
	for i := range 6 {
		if _, err := g.acquire(ctx, "exp_a", 1, int64(i+1), 6); err != nil {
			t.Fatalf("arm %d of exp_a: %v", i, err)
		}
	}
	waitCtx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if _, err := g.acquire(waitCtx, "exp_b", 2, 7, 2); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("exp_b while exp_a holds the only slot: %v, want it to wait", err)
	}
}

// With other trainers alive, a gate keeps its share of an experiment's arms (an even
// split, at least a lane's worth) and hands the rest back; an experiment it has no slot
// for goes back at once; and one that waited for a slot while alone goes back once
// another trainer comes up. An arm handed back leaves the slot as it was.
func TestAGateWithPeersHandsBackWhatOthersCanTrain(t *testing.T) {
	withLanes(t, 2)
	ctx := context.Background()
	var peers atomic.Int64
	peers.Store(2)
	g := newGate(1)
	g.peers = func(context.Context) (int, error) { return int(peers.Load()), nil }

	kept, handed := 0, 0
	for i := range 6 {
		_, err := g.acquire(ctx, "exp_a", 1, int64(i+1), 6)
		switch {
		case err == nil:
			kept++
		case errors.Is(err, errHandBack):
			handed++
		default:
			t.Fatal(err)
		}
	}
	if kept != 3 || handed != 3 {
		t.Fatalf("6 arms over 2 trainers: kept %d, handed back %d; want 3 and 3", kept, handed)
	}
	// A two-arm experiment stays whole: a lane's worth is never split.
	if share(2, 2) != 2 || share(6, 1) != 6 || share(6, 3) != 2 || share(8, 3) != 3 {
		t.Fatalf("share: %d %d %d %d", share(2, 2), share(6, 1), share(6, 3), share(8, 3))
	}
	if _, err := g.acquire(ctx, "exp_b", 2, 7, 2); !errors.Is(err, errHandBack) {
		t.Fatalf("exp_b while exp_a holds the only slot and a peer lives: %v, want it handed back", err)
	}

	// Alone again: exp_b waits for the slot, then a peer comes up and it goes back.
	peers.Store(1)
	got := make(chan error, 1)
	go func() {
		_, err := g.acquire(ctx, "exp_b", 2, 7, 2)
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("exp_b did not wait for the slot while alone: %v", err)
	case <-time.After(2 * peerPoll):
	}
	peers.Store(2)
	select {
	case err := <-got:
		if !errors.Is(err, errHandBack) {
			t.Fatalf("exp_b once a peer came up: %v, want it handed back", err)
		}
	case <-time.After(5 * peerPoll):
		t.Fatal("exp_b kept waiting at this gate although another trainer could take it")
	}

	// The slot is still exp_a's, with its three arms; once they end it is free.
	for range 3 {
		g.release("exp_a", false)
	}
	if _, err := g.acquire(ctx, "exp_b", 2, 7, 2); err != nil {
		t.Fatalf("exp_b once exp_a ended: %v", err)
	}
}
