package live

import "context"

// Subscriber is one watcher's view of a topic.
type Subscriber struct {
	hub    *Hub
	topic  string
	ch     chan Event
	wake   chan struct{}
	last   uint64 // last seq queued; guarded by hub.mu
	behind bool   // its queue overflowed; guarded by hub.mu
	closed bool   // by its own Close or the hub's; guarded by hub.mu
}

// offer queues ev without blocking; the caller holds hub.mu.
func (s *Subscriber) offer(ev Event) {
	if s.closed || s.behind || ev.Seq != s.last+1 {
		s.behind = true
		s.signal()
		return
	}
	select {
	case s.ch <- ev:
		s.last = ev.Seq
	default:
		s.behind = true
		s.signal()
	}
}

func (s *Subscriber) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Batch is what Next hands over: events in order, or a request to resync.
type Batch struct {
	Events []Event
	// Resync is set when the history no longer holds the events the subscriber missed:
	// the caller must send a snapshot as of Seq, and the next batch starts after Seq.
	Resync bool
	Seq    uint64
}

// Next waits for the next batch of events, in order and without gaps. When the
// subscriber fell behind, the missing events come from the hub's history. Once the
// hub is closed it returns what is queued, then ErrClosed.
func (s *Subscriber) Next(ctx context.Context, max int) (Batch, error) {
	var batch []Event
	for {
		batch = s.drain(batch, max)
		if len(batch) > 0 {
			return Batch{Events: batch}, nil
		}
		if b, ok := s.catchUp(); ok {
			return b, nil
		}
		if s.isClosed() {
			return Batch{}, ErrClosed
		}
		select {
		case ev := <-s.ch:
			batch = append(batch, ev)
		case <-s.wake:
		case <-ctx.Done():
			return Batch{}, ctx.Err()
		}
	}
}

// drain appends what is queued, up to max events in all, without waiting.
func (s *Subscriber) drain(batch []Event, max int) []Event {
	for len(batch) < max {
		select {
		case ev := <-s.ch:
			batch = append(batch, ev)
		default:
			return batch
		}
	}
	return batch
}

// TryNext is Next without the wait: ok is false when nothing is ready.
func (s *Subscriber) TryNext(max int) (Batch, bool) {
	if batch := s.drain(nil, max); len(batch) > 0 {
		return Batch{Events: batch}, true
	}
	return s.catchUp()
}

// catchUp refills from history after an overflow; ok reports whether it did anything.
func (s *Subscriber) catchUp() (Batch, bool) {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if !s.behind || len(s.ch) > 0 {
		return Batch{}, false
	}
	t := h.topic(s.topic)
	evs, kept := h.since(t, s.last)
	s.behind = false
	if !kept {
		s.last = t.seq
		return Batch{Resync: true, Seq: t.seq}, true
	}
	if n := len(evs); n > 0 {
		s.last = evs[n-1].Seq
	}
	return Batch{Events: evs}, true
}

func (s *Subscriber) isClosed() bool {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.closed
}

// Last is the seq of the last event handed to this subscriber.
func (s *Subscriber) Last() uint64 {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.last
}

// Close ends the subscription.
func (s *Subscriber) Close() {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	s.closed = true
	if t := h.topics[s.topic]; t != nil {
		delete(t.subs, s)
		h.freeIfIdle(s.topic, t)
	}
}
