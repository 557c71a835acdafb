package live

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Relay feeds a web process's hub from the shared Log: for each topic someone here
// watches, it reads the events after the hub's last seq whenever the database says
// there are new ones (LISTEN/NOTIFY), and every few seconds in case a notice was lost.
// Reading by seq makes each event reach the hub once and in order, however notices
// arrive.
type Relay struct {
	hub *Hub
	log Log

	mu      sync.Mutex
	follows map[string]*follow
}

type follow struct {
	viewers int
	reading bool // a goroutine is reading the topic
	again   bool // news arrived while it read
}

// relayPoll is how often followed topics are read without a notice: what a viewer
// waits at worst if the listening connection dropped a notice.
const relayPoll = 2 * time.Second

// NewRelay relays log's events into hub until ctx ends.
func NewRelay(ctx context.Context, hub *Hub, log Log) *Relay {
	r := &Relay{hub: hub, log: log, follows: map[string]*follow{}}
	go func() {
		tick := time.NewTicker(relayPoll)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				r.NotifyAll()
			}
		}
	}()
	return r
}

// Follow reads the topic's recent events into the hub before a viewer subscribes, and
// keeps it up to date until the returned func is called.
func (r *Relay) Follow(ctx context.Context, topic string) (unfollow func(), err error) {
	r.mu.Lock()
	f := r.follows[topic]
	if f == nil {
		f = &follow{}
		r.follows[topic] = f
	}
	f.viewers++
	r.mu.Unlock()
	unfollow = func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if f.viewers--; f.viewers == 0 {
			delete(r.follows, topic)
			r.hub.Forget(topic)
		}
	}
	// Counted before reading: a notice from now on reads again, and one before it
	// is for events this read sees.
	if err := r.read(ctx, topic); err != nil {
		unfollow()
		return nil, err
	}
	return unfollow, nil
}

// Notify says the topic has new events in the log.
func (r *Relay) Notify(topic string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f := r.follows[topic]
	if f == nil {
		return
	}
	if f.reading {
		f.again = true
		return
	}
	f.reading = true
	go r.readWhileNews(topic, f)
}

// Offer passes on events a notice carried, numbered by the log, without reading the
// log, when they follow on from what the hub holds; otherwise it reads the log.
func (r *Relay) Offer(topic string, evs []Event) {
	r.mu.Lock()
	f := r.follows[topic]
	r.mu.Unlock()
	if f == nil {
		return
	}
	if !r.hub.DeliverNext(topic, evs) {
		r.Notify(topic)
	}
}

// NotifyAll reads every followed topic: after the listening connection was lost, or
// on the periodic check.
func (r *Relay) NotifyAll() {
	r.mu.Lock()
	topics := make([]string, 0, len(r.follows))
	for t := range r.follows {
		topics = append(topics, t)
	}
	r.mu.Unlock()
	for _, t := range topics {
		r.Notify(t)
	}
}

func (r *Relay) readWhileNews(topic string, f *follow) {
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := r.read(ctx, topic); err != nil {
			slog.Warn("live events not read", "experiment", topic, "err", err)
		}
		cancel()
		r.mu.Lock()
		if !f.again || f.viewers == 0 {
			f.reading = false
			r.mu.Unlock()
			return
		}
		f.again = false
		r.mu.Unlock()
	}
}

// read delivers the topic's events after the hub's last one. Two reads of a topic may
// overlap (a new viewer's and a notice's): the hub drops each event at or before its
// last seq, so none reaches a watcher twice or out of order.
func (r *Relay) read(ctx context.Context, topic string) error {
	evs, err := r.log.After(ctx, topic, r.hub.Seq(topic), r.hub.history)
	if err != nil {
		return err
	}
	for _, ev := range evs {
		r.hub.Deliver(topic, ev)
	}
	return nil
}
