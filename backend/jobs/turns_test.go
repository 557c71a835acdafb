package jobs

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// waitQueued waits until n arms wait for a turn.
func waitQueued(t *testing.T, tu *turns, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		tu.mu.Lock()
		got := len(tu.queue)
		tu.mu.Unlock()
		if got == n {
			return
		}
	}
	t.Fatalf("%d arms never queued", n)
}

// TestTurnsGoToQuickArmsFirst: with every lane taken, a freed turn goes to a waiting
// linear probe before slower arms that asked earlier, and equal arms keep their order.
func TestTurnsGoToQuickArmsFirst(t *testing.T) {
	var tu turns
	for range lanes {
		tu.Lock(Normal)
	}
	var mu sync.Mutex
	var order []string
	var wg sync.WaitGroup
	arrive := func(name string, p Priority, queued int) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tu.Lock(p)
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			tu.Unlock()
		}()
		waitQueued(t, &tu, queued)
	}
	arrive("slow-1", Normal, 1)
	arrive("slow-2", Normal, 2)
	arrive("probe-1", Quick, 3)
	arrive("probe-2", Quick, 4)
	tu.Unlock() // one lane frees; each arm passes it on as it finishes
	wg.Wait()
	if want := []string{"probe-1", "probe-2", "slow-1", "slow-2"}; !slices.Equal(order, want) {
		t.Fatalf("turns went %v, want %v", order, want)
	}
}

// TestYieldKeepsTheTurnFromSlowerArms: a probe goes on stepping while only slower arms
// wait, but hands over to another probe; a slower arm hands over to anyone.
func TestYieldKeepsTheTurnFromSlowerArms(t *testing.T) {
	var tu turns
	for range lanes {
		tu.Lock(Normal)
	}
	tu.Unlock()
	tu.Lock(Quick) // the probe holds the last lane
	done := make(chan string, 2)
	go func() { tu.Lock(Normal); done <- "slow"; tu.Unlock() }()
	waitQueued(t, &tu, 1)
	tu.Yield(Quick) // only a slower arm waits: keep the turn
	select {
	case got := <-done:
		t.Fatalf("%s got the probe's turn", got)
	case <-time.After(20 * time.Millisecond):
	}
	go func() { tu.Lock(Quick); done <- "probe-2"; tu.Unlock() }()
	waitQueued(t, &tu, 2)
	tu.Yield(Quick) // another probe waits: it gets the turn, we wait behind it
	if got := <-done; got != "probe-2" {
		t.Fatalf("the turn went to %s, want probe-2", got)
	}
	tu.Unlock()
	if got := <-done; got != "slow" {
		t.Fatalf("the turn went to %s, want slow", got)
	}
	for range lanes - 1 {
		tu.Unlock()
	}
	tu.mu.Lock()
	defer tu.mu.Unlock()
	if tu.free != lanes || len(tu.queue) != 0 {
		t.Fatalf("after every arm let go: %d free of %d, %d waiting", tu.free, lanes, len(tu.queue))
	}
}
