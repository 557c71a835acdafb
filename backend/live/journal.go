package live

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Log is the shared, numbered record of every topic's events: a table of the database
// that web and worker processes share.
type Log interface {
	// Append numbers evs after the topic's last event, stores them and tells the
	// listening web processes, all in one transaction.
	Append(ctx context.Context, topic string, evs []Event) error
	// After returns the topic's events numbered above seq, oldest first, and at most
	// the newest limit of them.
	After(ctx context.Context, topic string, seq uint64, limit int) ([]Event, error)
}

// Journal publishes a training process's events to a Log instead of its own hub, so
// the viewers of every web process get them. One goroutine writes whatever gathered
// while the last write was under way, so a busy run costs one transaction per write,
// not per point, and a quiet one waits for nothing.
type Journal struct {
	log     Log
	mu      sync.Mutex
	pending []topicEvent
	wake    chan struct{}
	done    chan struct{}
	closing bool
}

type topicEvent struct {
	topic string
	ev    Event
}

// journalMax bounds what a Journal holds while the database cannot be reached: a
// viewer that missed events gets a snapshot from the stored points.
const journalMax = 100_000

// NewJournal starts writing to log until Close.
func NewJournal(log Log) *Journal {
	j := &Journal{log: log, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go j.run()
	return j
}

// Publish queues ev for the log; its number comes from the log, so it returns 0.
func (j *Journal) Publish(topic string, ev Event) uint64 {
	j.mu.Lock()
	if len(j.pending) < journalMax {
		j.pending = append(j.pending, topicEvent{topic, ev})
	}
	j.mu.Unlock()
	select {
	case j.wake <- struct{}{}:
	default:
	}
	return 0
}

// Finish has nothing to free: the log keeps a finished topic's events for late viewers.
func (j *Journal) Finish(string) {}

// Close writes what is queued and stops.
func (j *Journal) Close() {
	j.mu.Lock()
	j.closing = true
	j.mu.Unlock()
	select {
	case j.wake <- struct{}{}:
	default:
	}
	<-j.done
}

func (j *Journal) run() {
	defer close(j.done)
	for range j.wake {
		j.mu.Lock()
		batch, closing := j.pending, j.closing
		j.pending = nil
		j.mu.Unlock()
		if failed := j.write(batch); len(failed) > 0 {
			if closing {
				slog.Warn("live events not stored while stopping", "events", len(failed))
				return
			}
			// Put them back in front, in order, and try again shortly.
			j.mu.Lock()
			j.pending = append(failed, j.pending...)
			j.mu.Unlock()
			time.AfterFunc(200*time.Millisecond, func() {
				select {
				case j.wake <- struct{}{}:
				default:
				}
			})
			continue
		}
		if closing {
			j.mu.Lock()
			rest := len(j.pending)
			j.mu.Unlock()
			if rest == 0 {
				return
			}
			select {
			case j.wake <- struct{}{}:
			default:
			}
		}
	}
}

// write appends the batch topic by topic, keeping each topic's order, and returns the
// events of the topics that could not be written.
func (j *Journal) write(batch []topicEvent) []topicEvent {
	var order []string
	byTopic := map[string][]Event{}
	for _, te := range batch {
		if _, ok := byTopic[te.topic]; !ok {
			order = append(order, te.topic)
		}
		byTopic[te.topic] = append(byTopic[te.topic], te.ev)
	}
	var failed []topicEvent
	for _, topic := range order {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := j.log.Append(ctx, topic, byTopic[topic])
		cancel()
		if err != nil {
			slog.Warn("live events not stored yet", "experiment", topic, "events", len(byTopic[topic]), "err", err)
			for _, ev := range byTopic[topic] {
				failed = append(failed, topicEvent{topic, ev})
			}
		}
	}
	return failed
}
