package jobs

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// gate lets at most `slots` experiments train at once. All arms of an admitted
// experiment run, taking turns one step at a time so their curves grow side by side
// (turns.go says which arm goes first).
type gate struct {
	mu      sync.Mutex
	slots   int
	active  map[string]*expSlot
	waiting map[string]int64 // experiments waiting for a slot, by their order key
	changed chan struct{}    // closed and replaced whenever a slot frees
	// older lists the experiments with a live training job queued before jobID. An
	// experiment is only admitted once every such experiment is at the gate: the queue
	// may fetch two experiments' jobs in one batch (a busy start, jobs waiting for a
	// slot) and start the younger's first.
	older func(ctx context.Context, jobID int64) ([]string, error)
}

// olderPoll is how often an experiment waiting for an older one to reach the gate
// looks again; the older one's job is already fetched or about to be.
const olderPoll = 100 * time.Millisecond

// expSlot is one admitted experiment. A turn is held for one training step; there are
// as many turns as cores (lanes), so the arms and replicates of one experiment keep
// every core busy while each step stays on one goroutine.
type expSlot struct {
	turn turns
	arms int
}

// lanes is how many arms of one experiment step at once: one per core. An arm's step
// is the same whichever lane runs it, so results do not depend on it.
var lanes = max(runtime.GOMAXPROCS(0), 1)

func newGate(slots int) *gate {
	return &gate{slots: max(slots, 1), active: map[string]*expSlot{}, waiting: map[string]int64{},
		changed: make(chan struct{})}
}

// acquire waits until the experiment may train and returns its slot. Experiments are
// admitted in the order of their key (creation time), whichever of their jobs the
// queue happened to start first; jobID is the arm's job, whose place in the queue says
// which experiments came before it.
func (g *gate) acquire(ctx context.Context, expID string, key, jobID int64) (*expSlot, error) {
	for {
		g.mu.Lock()
		if s := g.active[expID]; s != nil {
			s.arms++
			g.mu.Unlock()
			return s, nil
		}
		g.waiting[expID] = key
		try := len(g.active) < g.slots && g.first(expID)
		wait := g.changed
		g.mu.Unlock()
		var poll <-chan time.Time
		if try {
			if g.olderAbsent(ctx, expID, jobID) {
				poll = time.After(olderPoll)
			} else if s := g.admit(expID); s != nil {
				return s, nil
			} else {
				continue
			}
		}
		select {
		case <-wait:
		case <-poll:
		case <-ctx.Done():
			g.mu.Lock()
			delete(g.waiting, expID)
			g.broadcast()
			g.mu.Unlock()
			return nil, ctx.Err()
		}
	}
}

// admit makes expID active if it still may be: the lock was let go while the queue was
// asked about older experiments.
func (g *gate) admit(expID string) *expSlot {
	g.mu.Lock()
	defer g.mu.Unlock()
	if s := g.active[expID]; s != nil {
		s.arms++
		return s
	}
	if len(g.active) >= g.slots || !g.first(expID) {
		return nil
	}
	delete(g.waiting, expID)
	s := &expSlot{arms: 1}
	g.active[expID] = s
	return s
}

// olderAbsent reports whether an experiment queued before jobID has a live job but has
// not reached the gate yet. An error counts as none: order is worth a short wait, not
// a stuck queue.
func (g *gate) olderAbsent(ctx context.Context, expID string, jobID int64) bool {
	if g.older == nil {
		return false
	}
	ids, err := g.older(ctx, jobID)
	if err != nil {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, id := range ids {
		_, waiting := g.waiting[id]
		if id != expID && g.active[id] == nil && !waiting {
			return true
		}
	}
	return false
}

// first reports whether expID is the earliest waiting experiment; the caller holds mu.
func (g *gate) first(expID string) bool {
	mine := g.waiting[expID]
	for id, k := range g.waiting {
		if k < mine || (k == mine && id < expID) {
			return false
		}
	}
	return true
}

func (g *gate) broadcast() {
	close(g.changed)
	g.changed = make(chan struct{})
}

// release gives back an arm's share of the slot. The slot stays the experiment's
// while pending says other arms have yet to run, so an arm whose job starts late is
// not shut out by the next experiment.
func (g *gate) release(expID string, pending bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if s := g.active[expID]; s != nil {
		s.arms--
		g.settle(expID, pending)
	}
}

// settle frees an experiment's slot when no arm holds it and none is pending; the
// caller holds mu.
func (g *gate) settle(expID string, pending bool) {
	if s := g.active[expID]; s != nil && s.arms <= 0 && !pending {
		delete(g.active, expID)
		g.broadcast()
	}
}

// recheck frees the slot of an experiment whose last pending arm ended without running
// (cancelled while queued).
func (g *gate) recheck(expID string, pending bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.settle(expID, pending)
}
