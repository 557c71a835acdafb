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
	g.peers = func(context.Context) (peerCount, bool) { return peerCount{}, false } // not a shared queue
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

// While another trainer has room, a gate keeps its share of an experiment's
// arms (an even split, at least a lane's worth) and hands the rest back, and hands
// back at once an experiment it has no slot for. While every other trainer is busy an
// arm waits at the gate instead, and goes back once one frees a slot. An arm handed
// back leaves the slot as it was, and the gate tells the others when it is busy: its
// slot taken by an experiment of which it holds its share.
func TestAGateWithPeersHandsBackWhatOthersCanTrain(t *testing.T) {
	withLanes(t, 2)
	ctx := context.Background()
	var free atomic.Int64
	free.Store(1)
	g := newGate(1)
	g.peers = func(context.Context) (peerCount, bool) { return peerCount{others: 1, free: int(free.Load())}, true }
	var busy []bool
	g.busy = func(b bool) { busy = append(busy, b) }

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
		if i == 0 && len(busy) != 0 {
			// One arm of six: below its share, so the other trainer may hand it more.
			t.Fatalf("busy told %v while this gate holds one arm of six", busy)
		}
	}
	if kept != 3 || handed != 3 {
		t.Fatalf("6 arms over 2 trainers: kept %d, handed back %d; want 3 and 3", kept, handed)
	}
	if len(busy) != 1 || !busy[0] {
		t.Fatalf("busy told %v once exp_a's share took the only slot, want [true]", busy)
	}
	// A two-arm experiment stays whole: a lane's worth is never split.
	if share(2, 2) != 2 || share(6, 1) != 6 || share(6, 3) != 2 || share(8, 3) != 3 {
		t.Fatalf("share: %d %d %d %d", share(2, 2), share(6, 1), share(6, 3), share(8, 3))
	}
	if _, err := g.acquire(ctx, "exp_b", 2, 7, 2); !errors.Is(err, errHandBack) {
		t.Fatalf("exp_b while exp_a holds the only slot and a peer is free: %v, want it handed back", err)
	}

	// Every other trainer busy: exp_a keeps a fourth arm, and exp_b waits for the slot
	// until the other trainer frees one.
	free.Store(0)
	if _, err := g.acquire(ctx, "exp_a", 1, 4, 6); err != nil {
		t.Fatalf("a fourth arm of exp_a while the other trainer is busy: %v, want it kept", err)
	}
	got := make(chan error, 1)
	go func() {
		_, err := g.acquire(ctx, "exp_b", 2, 7, 2)
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("exp_b did not wait for the slot while the other trainer was busy: %v", err)
	case <-time.After(4 * peerPoll):
	}
	free.Store(1)
	select {
	case err := <-got:
		if !errors.Is(err, errHandBack) {
			t.Fatalf("exp_b once the other trainer freed a slot: %v, want it handed back", err)
		}
	case <-time.After(8 * peerPoll):
		t.Fatal("exp_b kept waiting at this gate although another trainer could take it")
	}

	// The slot is still exp_a's, with its four arms; once they end it is free.
	for range 4 {
		g.release("exp_a", false)
	}
	if len(busy) != 2 || busy[1] {
		t.Fatalf("busy told %v once exp_a ended, want [true false]", busy)
	}
	if _, err := g.acquire(ctx, "exp_b", 2, 7, 2); err != nil {
		t.Fatalf("exp_b once exp_a ended: %v", err)
	}
}
