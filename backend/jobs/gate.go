package jobs

import (
	"context"
	"sync"
)

// gate lets at most `slots` experiments train at once. All arms of an admitted
// experiment run, taking turns one step at a time so their curves grow side by side.
type gate struct {
	mu      sync.Mutex
	slots   int
	active  map[string]*expSlot
	waiting map[string]int64 // experiments waiting for a slot, by their order key
	changed chan struct{}    // closed and replaced whenever a slot frees
}

// expSlot is one admitted experiment. turn is held for one training step.
type expSlot struct {
	turn sync.Mutex
	arms int
}

func newGate(slots int) *gate {
	return &gate{slots: max(slots, 1), active: map[string]*expSlot{}, waiting: map[string]int64{},
		changed: make(chan struct{})}
}

// acquire waits until the experiment may train and returns its slot. Experiments are
// admitted in the order of their key (creation time), whichever of their jobs the
// queue happened to start first.
func (g *gate) acquire(ctx context.Context, expID string, key int64) (*expSlot, error) {
	for {
		g.mu.Lock()
		if s := g.active[expID]; s != nil {
			s.arms++
			g.mu.Unlock()
			return s, nil
		}
		g.waiting[expID] = key
		if len(g.active) < g.slots && g.first(expID) {
			delete(g.waiting, expID)
			s := &expSlot{arms: 1}
			g.active[expID] = s
			g.mu.Unlock()
			return s, nil
		}
		wait := g.changed
		g.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			g.mu.Lock()
			delete(g.waiting, expID)
			g.broadcast()
			g.mu.Unlock()
			return nil, ctx.Err()
		}
	}
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
