package jobs

import (
	"cmp"
	"slices"
	"sync"

	"transferlab/backend/experiment"
)

// Priority orders the arms waiting for a turn: a smaller value goes first, equal values
// in the order they asked.
type Priority int

const (
	// Quick is a linear probe's priority: its features are computed once, after which
	// an epoch costs next to nothing. Going first, it finishes in seconds and its
	// verdict (against scratch as it stands, marked "so far") arrives early, instead of
	// waiting a step behind every slow arm for each of its own cheap steps.
	Quick Priority = iota
	// Normal is every other arm's: equal arms take turns one step at a time.
	Normal
)

// priorityOf is the priority of an arm of strategy s.
func priorityOf(s experiment.Strategy) Priority {
	if s.Kind == experiment.LinearProbe {
		return Quick
	}
	return Normal
}

// turns is a counting semaphore of `lanes` turns with a queue ordered by priority and,
// within one priority, by arrival: a freed turn goes straight to the first waiter, so
// equal arms take turns step by step and their curves grow side by side, while a quick
// arm is never kept waiting behind a slow one's step.
type turns struct {
	mu     sync.Mutex
	inited bool
	free   int
	seq    uint64
	queue  []*turnWaiter // sorted: priority, then arrival
}

type turnWaiter struct {
	prio Priority
	seq  uint64
	ch   chan struct{}
}

// Lock takes a turn, waiting for one to free.
func (t *turns) Lock(p Priority) {
	t.mu.Lock()
	if !t.inited {
		t.inited, t.free = true, lanes
	}
	if t.free > 0 { // a free turn means nobody waits: Unlock hands turns to waiters first
		t.free--
		t.mu.Unlock()
		return
	}
	w := t.enqueue(p)
	t.mu.Unlock()
	<-w.ch
}

// Unlock gives the turn back: to the first waiter, if any.
func (t *turns) Unlock() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.queue) > 0 {
		w := t.queue[0]
		t.queue = t.queue[1:]
		close(w.ch)
		return
	}
	t.free++
}

// Yield hands the turn over if an arm at least as urgent waits, and then waits for the
// next one; otherwise the caller keeps its turn. Equal arms thus alternate after every
// step, and a quick arm goes on stepping while only slower arms wait.
func (t *turns) Yield(p Priority) {
	t.mu.Lock()
	if len(t.queue) == 0 || t.queue[0].prio > p {
		t.mu.Unlock()
		return
	}
	next := t.queue[0]
	t.queue = t.queue[1:]
	close(next.ch)
	w := t.enqueue(p)
	t.mu.Unlock()
	<-w.ch
}

// enqueue adds a waiter after every waiter of its priority or a more urgent one; the
// caller holds mu.
func (t *turns) enqueue(p Priority) *turnWaiter {
	t.seq++
	w := &turnWaiter{prio: p, seq: t.seq, ch: make(chan struct{})}
	i, _ := slices.BinarySearchFunc(t.queue, w, func(a, b *turnWaiter) int {
		if a.prio != b.prio {
			return cmp.Compare(a.prio, b.prio)
		}
		return cmp.Compare(a.seq, b.seq)
	})
	t.queue = slices.Insert(t.queue, i, w)
	return w
}
