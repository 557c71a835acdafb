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
	changed chan struct{} // closed and replaced whenever a slot frees
}

// expSlot is one admitted experiment. turn is held for one training step.
type expSlot struct {
	turn sync.Mutex
	arms int
}

func newGate(slots int) *gate {
	return &gate{slots: max(slots, 1), active: map[string]*expSlot{}, changed: make(chan struct{})}
}

// acquire waits until the experiment may train and returns its slot.
func (g *gate) acquire(ctx context.Context, expID string) (*expSlot, error) {
	for {
		g.mu.Lock()
		if s := g.active[expID]; s != nil {
			s.arms++
			g.mu.Unlock()
			return s, nil
		}
		if len(g.active) < g.slots {
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
			return nil, ctx.Err()
		}
	}
}

// release gives back an arm's share of the slot; the last arm out frees it.
func (g *gate) release(expID string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.active[expID]
	if s == nil {
		return
	}
	if s.arms--; s.arms == 0 {
		delete(g.active, expID)
		close(g.changed)
		g.changed = make(chan struct{})
	}
}
