// Package live fans events (metric points, status changes) out to any number of
// watchers, numbered per topic so a watcher that falls behind or reconnects resumes
// from the last number it saw with no gap and no repeat.
package live

import (
	"encoding/json"
	"errors"
	"sync"
)

// ErrClosed is what a subscriber's Next returns once the hub is closed.
var ErrClosed = errors.New("live: hub closed")

// Event is one delta on a topic (an experiment). Seq is assigned by the hub.
type Event struct {
	Seq     uint64          `json:"seq"`
	RunID   string          `json:"run_id"`
	Kind    string          `json:"kind"` // "metric", "status" or "verdict" (the experiment's, no run)
	Payload json.RawMessage `json:"data"`
	// Wire is the event encoded once by the hub for every watcher, so fan-out to many
	// websockets costs one encoding, not one per watcher.
	Wire []byte `json:"-"`
}

// Hub owns the topics and their subscribers. Publish never blocks on a subscriber.
type Hub struct {
	mu      sync.Mutex
	topics  map[string]*topic
	history int
	buffer  int
	closed  bool
}

type topic struct {
	seq  uint64
	ring []Event // the last `history` events, oldest first
	subs map[*Subscriber]struct{}
	// finished: nothing more will be published, so the topic is freed as soon as it
	// has no subscribers (a later watcher starts from a snapshot of the database).
	finished bool
}

// NewHub keeps the last history events of each topic for resuming, and gives each
// subscriber a queue of buffer events before it counts as behind.
func NewHub(history, buffer int) *Hub {
	return &Hub{topics: map[string]*topic{}, history: history, buffer: buffer}
}

func (h *Hub) topic(name string) *topic {
	t := h.topics[name]
	if t == nil {
		t = &topic{subs: map[*Subscriber]struct{}{}}
		h.topics[name] = t
	}
	return t
}

// Publish numbers ev, keeps it for resuming and queues it for every subscriber of the
// topic. A subscriber whose queue is full is marked behind instead of blocking
// training; it catches up from the history when it next reads.
func (h *Hub) Publish(topicName string, ev Event) uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	t := h.topic(topicName)
	t.seq++
	ev.Seq = t.seq
	ev.Wire, _ = json.Marshal(ev)
	t.ring = append(t.ring, ev)
	if over := len(t.ring) - h.history; over > 0 {
		t.ring = append(t.ring[:0], t.ring[over:]...)
	}
	for s := range t.subs {
		s.offer(ev)
	}
	return ev.Seq
}

// Seq is the number of the last event published on the topic.
func (h *Hub) Seq(topicName string) uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	if t := h.topics[topicName]; t != nil {
		return t.seq
	}
	return 0
}

// Since returns the kept events after seq, and false when some of them are no longer
// kept (the caller must then start over from a snapshot).
func (h *Hub) Since(topicName string, seq uint64) ([]Event, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.since(h.topic(topicName), seq)
}

func (h *Hub) since(t *topic, seq uint64) ([]Event, bool) {
	if seq >= t.seq {
		return nil, seq == t.seq
	}
	if len(t.ring) == 0 || t.ring[0].Seq > seq+1 {
		return nil, false
	}
	start := int(seq + 1 - t.ring[0].Seq)
	return append([]Event(nil), t.ring[start:]...), true
}

// Subscribe starts a subscription that receives every event after seq. ok is false
// when the history no longer reaches back to seq; the subscription then starts at the
// current seq and the caller must send a snapshot first.
func (h *Hub) Subscribe(topicName string, seq uint64) (s *Subscriber, backlog []Event, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	t := h.topic(topicName)
	backlog, ok = h.since(t, seq)
	last := seq
	if !ok {
		last = t.seq
		backlog = nil
	} else if n := len(backlog); n > 0 {
		last = backlog[n-1].Seq
	}
	s = &Subscriber{hub: h, topic: topicName, ch: make(chan Event, h.buffer), last: last, wake: make(chan struct{}, 1)}
	if h.closed {
		s.closed = true
		h.freeIfIdle(topicName, t)
		return s, backlog, ok
	}
	t.subs[s] = struct{}{}
	return s, backlog, ok
}

// Finish says nothing more will be published on the topic (its experiment ended): its
// kept events are freed now if nobody watches, else when the last watcher leaves.
// Publishing again starts the topic afresh; a watcher resuming from an older seq is
// told to resync.
func (h *Hub) Finish(topicName string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if t := h.topics[topicName]; t != nil {
		t.finished = true
		h.freeIfIdle(topicName, t)
	}
}

// freeIfIdle drops a topic without subscribers that is finished or never had an event
// (a watcher of an experiment that ended before this process started); the caller
// holds h.mu.
func (h *Hub) freeIfIdle(name string, t *topic) {
	if (t.finished || t.seq == 0) && len(t.subs) == 0 {
		delete(h.topics, name)
	}
}

// Topics counts the topics held in memory.
func (h *Hub) Topics() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.topics)
}

// Close ends every subscription, so each watcher's Next returns ErrClosed and its
// connection can close before the server waits for its requests to end; later
// subscriptions are closed from the start. Publishing still works, for the arms that
// record their last steps while the process stops.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for _, t := range h.topics {
		for s := range t.subs {
			s.closed = true
			s.signal()
		}
	}
}

// Subscribers counts the watchers of a topic.
func (h *Hub) Subscribers(topicName string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if t := h.topics[topicName]; t != nil {
		return len(t.subs)
	}
	return 0
}

// Recent returns every kept event of a topic: what a snapshot adds to the stored points
// so that nothing published but not yet written to the database is missed.
func (h *Hub) Recent(topicName string) []Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	if t := h.topics[topicName]; t != nil {
		return append([]Event(nil), t.ring...)
	}
	return nil
}

// Deliver adds an event numbered elsewhere (by the shared database), for a hub that
// relays another process's events instead of numbering its own. An event at or before
// the topic's last seq is one already delivered and is dropped, so a relay may read
// overlapping ranges; one after a gap starts the kept history afresh, and watchers who
// missed the gap are told to resync.
func (h *Hub) Deliver(topicName string, ev Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	t := h.topic(topicName)
	if ev.Seq <= t.seq {
		return
	}
	if ev.Seq != t.seq+1 {
		t.ring = t.ring[:0]
	}
	t.seq = ev.Seq
	if ev.Wire == nil {
		ev.Wire, _ = json.Marshal(ev)
	}
	t.ring = append(t.ring, ev)
	if over := len(t.ring) - h.history; over > 0 {
		t.ring = append(t.ring[:0], t.ring[over:]...)
	}
	for s := range t.subs {
		s.offer(ev)
	}
}

// Forget drops a topic nobody watches, whatever it holds: a relaying hub reads it
// again from the database when someone next watches.
func (h *Hub) Forget(topicName string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if t := h.topics[topicName]; t != nil && len(t.subs) == 0 {
		delete(h.topics, topicName)
	}
}

// DeliverNext delivers evs, numbered elsewhere and in order, when they follow on from
// what the topic holds (overlap is dropped), and reports false, delivering nothing,
// when some events between are missing: the caller then reads them from the log.
func (h *Hub) DeliverNext(topicName string, evs []Event) bool {
	if len(evs) == 0 {
		return true
	}
	h.mu.Lock()
	t := h.topics[topicName]
	ok := t != nil && evs[0].Seq <= t.seq+1
	h.mu.Unlock()
	if !ok {
		return false
	}
	for _, ev := range evs {
		h.Deliver(topicName, ev)
	}
	return true
}
