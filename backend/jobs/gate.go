package jobs

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"time"
)

// gate lets at most `slots` experiments train at once in this process. All arms of an
// admitted experiment that this process holds run, taking turns one step at a time so
// their curves grow side by side (turns.go says which arm goes first).
//
// Several processes on one shared queue (workers on many machines) each have a gate,
// and River hands each of them whatever jobs it fetches first: left alone, the first
// worker to poll would hold every arm of every queued experiment at its gate while the
// others sat idle. So while another training process has room (a free slot, or less
// than its share of the experiment it trains: it is not busy, trainers.go), a gate
// keeps only what it should train and hands the rest back to the queue (a short
// snooze, which River does not count as an attempt) for that process to fetch:
//   - an arm of an experiment it has no free slot for, and
//   - an arm beyond its share of an experiment it trains: the arms split evenly over
//     the live trainers, but never fewer than this process's lanes, so no core idles
//     for the sake of spreading (share).
//
// While every other trainer is busy an arm waits at the gate that fetched it, as on one
// machine, and is admitted the moment a slot frees there; it looks again every peerPoll
// and goes back once another trainer has room first. Alone on its queue (the single
// binary on SQLite, or one worker) a gate hands nothing back. Admission order holds
// across processes because an experiment is admitted only once no older one is still
// to be admitted anywhere (older), and a handed-back arm was never admitted: it had not
// taken a step.
type gate struct {
	mu      sync.Mutex
	slots   int
	active  map[string]*expSlot
	waiting map[string]int64 // experiments waiting for a slot, by their order key
	changed chan struct{}    // closed and replaced whenever a slot frees
	// older lists the experiments with a live training job queued before jobID that
	// have yet to be admitted. An experiment is only admitted once every such
	// experiment is at the gate: the queue may fetch two experiments' jobs in one batch
	// (a busy start, jobs waiting for a slot) and start the younger's first.
	older func(ctx context.Context, jobID int64) ([]string, error)
	// peers tells of the other training processes on a shared queue, and false on a
	// queue of one process (nil: the same).
	peers func(ctx context.Context) (peerCount, bool)
	// busy, if set, is told whether this process takes no more arms (tellBusy), for
	// the other processes' gates; it must not block.
	busy    func(bool)
	wasBusy bool
	others  int // other trainers at the last look, for the shares tellBusy weighs
}

// errHandBack says an arm goes back to the queue untrained, for another process.
var errHandBack = errors.New("handed back for another worker")

// olderPoll is how often an experiment waiting for an older one to reach the gate
// looks again; the older one's job is already fetched or about to be.
const olderPoll = 100 * time.Millisecond

// peerPoll is how often an arm waiting for a slot looks whether another trainer has
// room for it.
const peerPoll = 250 * time.Millisecond

// expSlot is one admitted experiment. A turn is held for one training step; there are
// as many turns as cores (lanes), so the arms and replicates of one experiment keep
// every core busy while each step stays on one goroutine.
type expSlot struct {
	turn  turns
	arms  int // held here
	total int // in the experiment
}

// lanes is how many arms of one experiment step at once: one per core. An arm's step
// is the same whichever lane runs it, so results do not depend on it.
var lanes = max(runtime.GOMAXPROCS(0), 1)

// share is how many of an experiment's arms one of `peers` trainers keeps: an even
// split, rounded up, and at least a lane's worth.
func share(arms, peers int) int {
	return max(lanes, (arms+peers-1)/max(peers, 1))
}

func newGate(slots int) *gate {
	return &gate{slots: max(slots, 1), active: map[string]*expSlot{}, waiting: map[string]int64{},
		changed: make(chan struct{})}
}

// livePeers is what the other trainers are, and whether the queue is shared. An error
// counts as none free: keeping an arm is never wrong, only slower.
func (g *gate) livePeers(ctx context.Context) (peerCount, bool) {
	if g.peers == nil {
		return peerCount{}, false
	}
	return g.peers(ctx)
}

// acquire waits until the experiment may train and returns its slot, or errHandBack
// when another process should train the arm. Experiments are admitted in the order
// of their key (creation time), whichever of their jobs the queue happened to start
// first; jobID is the arm's job, whose place in the queue says which experiments came
// before it, and arms is how many arms the experiment has in all.
func (g *gate) acquire(ctx context.Context, expID string, key, jobID int64, arms int) (*expSlot, error) {
	for {
		peers, shared := g.livePeers(ctx)
		g.mu.Lock()
		g.others = peers.others
		if s := g.active[expID]; s != nil {
			defer g.mu.Unlock()
			return g.join(expID, s, arms, peers)
		}
		if peers.free > 0 && len(g.active) >= g.slots {
			g.leave(expID)
			g.mu.Unlock()
			return nil, errHandBack
		}
		g.waiting[expID] = key
		try := len(g.active) < g.slots && g.first(expID)
		wait := g.changed
		g.mu.Unlock()
		var poll <-chan time.Time
		if shared {
			poll = time.After(peerPoll)
		}
		if try {
			if g.olderAbsent(ctx, expID, jobID) {
				poll = time.After(olderPoll)
			} else if s, err := g.admit(expID, arms, peers); s != nil || err != nil {
				return s, err
			} else {
				continue
			}
		}
		select {
		case <-wait:
		case <-poll:
		case <-ctx.Done():
			g.mu.Lock()
			g.leave(expID)
			g.mu.Unlock()
			return nil, ctx.Err()
		}
	}
}

// join adds an arm to an experiment admitted here, unless this process holds its
// share of the experiment's arms and another trainer has room for the rest;
// the caller holds mu.
func (g *gate) join(expID string, s *expSlot, arms int, peers peerCount) (*expSlot, error) {
	if peers.free > 0 && s.arms >= share(arms, peers.others+1) {
		g.leave(expID)
		return nil, errHandBack
	}
	delete(g.waiting, expID)
	s.arms++
	g.tellBusy()
	return s, nil
}

// leave takes an experiment off the waiting list, for an arm that stops waiting; the
// caller holds mu. Other arms of the same experiment still waiting put it back on
// their next look.
func (g *gate) leave(expID string) {
	if _, ok := g.waiting[expID]; ok {
		delete(g.waiting, expID)
		g.broadcast()
	}
}

// admit makes expID active if it still may be: the lock was let go while the queue was
// asked about older experiments. Neither a slot nor an error means look again.
func (g *gate) admit(expID string, arms int, peers peerCount) (*expSlot, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if s := g.active[expID]; s != nil {
		return g.join(expID, s, arms, peers)
	}
	if len(g.active) >= g.slots || !g.first(expID) {
		return nil, nil
	}
	delete(g.waiting, expID)
	s := &expSlot{arms: 1, total: arms}
	g.active[expID] = s
	g.tellBusy()
	return s, nil
}

// tellBusy passes on whether this process takes no more arms, when that changed: every
// slot is taken by an experiment of which it holds its share. A worker that admitted an
// experiment but got fewer of its arms than its share (two workers fetched them at the
// same moment) is not busy, so the other hands it the arms beyond its own share. The
// caller holds mu.
func (g *gate) tellBusy() {
	busy := len(g.active) >= g.slots
	for _, s := range g.active {
		busy = busy && s.arms >= share(s.total, g.others+1)
	}
	if busy != g.wasBusy && g.busy != nil {
		g.wasBusy = busy
		g.busy(busy)
	}
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
		g.tellBusy()
		g.settle(expID, pending)
	}
}

// settle frees an experiment's slot when no arm holds it and none is pending; the
// caller holds mu.
func (g *gate) settle(expID string, pending bool) {
	if s := g.active[expID]; s != nil && s.arms <= 0 && !pending {
		delete(g.active, expID)
		g.tellBusy()
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
