package server

import (
	"fmt"
	"sync"

	"transferlab/backend/metrics"
)

// watchers counts the open live views per experiment and in all: each one costs the
// training it watches a share of the CPU, so past a cap new ones are turned away.
type watchers struct {
	perExperiment, total int
	mu                   sync.Mutex
	by                   map[string]int
	n                    int
}

func newWatchers(l Limits) *watchers {
	return &watchers{perExperiment: l.WatchersPerExperiment, total: l.Watchers, by: map[string]int{}}
}

// join takes a place for a watcher of experiment id, or says why there is none; the
// reason fits a websocket close frame (at most 123 bytes).
func (w *watchers) join(id string) (leave func(), refusal string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case w.n >= w.total:
		return nil, fmt.Sprintf("The server has %d live views open, its limit; close some tabs and reload.", w.total)
	case w.by[id] >= w.perExperiment:
		return nil, fmt.Sprintf("This experiment has %d live views open, its limit; close some tabs and reload.", w.perExperiment)
	}
	w.by[id]++
	w.n++
	metrics.LiveViewers.Inc()
	var once sync.Once
	return func() {
		once.Do(func() {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.n--
			metrics.LiveViewers.Dec()
			if w.by[id]--; w.by[id] == 0 {
				delete(w.by, id)
			}
		})
	}, ""
}
