package jobs

import (
	"context"
	"encoding/json"
	"math"
	"sync"
	"time"

	"transferlab/backend/live"
	"transferlab/backend/store"
)

// StepPoint is every value recorded at one step of one run.
type StepPoint struct {
	Step     int64              `json:"step"`
	Epoch    float64            `json:"epoch"`
	WallTime float64            `json:"wall_time"`
	Values   map[string]float64 `json:"values"`
	// At is when the point was recorded (Unix milliseconds), so a watcher can tell how
	// fresh it is.
	At int64 `json:"at"`
}

// recorder publishes each step's values at once and writes them to the database in
// batches: one transaction per flush, not per point, so recording costs training little.
type recorder struct {
	db    *store.DB
	hub   live.Publisher
	topic string
	runID string

	mu      sync.Mutex
	pending []store.Metric
	last    time.Time
	shown   int64 // steps up to this one were announced live by an earlier attempt
}

const (
	flushEvery  = 500 * time.Millisecond
	flushPoints = 2000
)

func newRecorder(db *store.DB, hub live.Publisher, topic, runID string) *recorder {
	return &recorder{db: db, hub: hub, topic: topic, runID: runID, last: time.Now()}
}

// record queues the point and flushes when enough time or points have gathered.
func (r *recorder) record(ctx context.Context, p StepPoint) error {
	r.mu.Lock()
	for name, v := range p.Values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			// A diverging run's last values are not numbers; neither JSON nor the
			// database can hold them, and the run fails with its own message.
			delete(p.Values, name)
			continue
		}
		r.pending = append(r.pending, store.Metric{RunID: r.runID, Name: name, Step: p.Step, Epoch: p.Epoch,
			Split: splitOf(name), Value: v, WallTime: p.WallTime})
	}
	due := len(r.pending) >= flushPoints || time.Since(r.last) >= flushEvery
	shown := p.Step <= r.shown
	r.mu.Unlock()
	if shown {
		if due {
			return r.flush(ctx)
		}
		return nil
	}
	p.At = time.Now().UnixMilli()
	data, _ := json.Marshal(p)
	r.hub.Publish(r.topic, live.Event{RunID: r.runID, Kind: "metric", Payload: data})
	if due {
		return r.flush(ctx)
	}
	return nil
}

// shownThrough says viewers were already shown the points up to step.
func (r *recorder) shownThrough(step int64) {
	r.mu.Lock()
	r.shown = step
	r.mu.Unlock()
}

func splitOf(name string) string {
	switch {
	case len(name) > 4 && name[:4] == "val_":
		return "val"
	case len(name) > 5 && name[:5] == "test_":
		return "test"
	}
	return "train"
}

// flush writes what is queued in one transaction.
func (r *recorder) flush(ctx context.Context) error {
	return r.db.AddMetrics(context.WithoutCancel(ctx), r.take())
}

// take hands over the points not yet written, for a caller that writes them in a
// transaction of its own.
func (r *recorder) take() []store.Metric {
	r.mu.Lock()
	defer r.mu.Unlock()
	batch := r.pending
	r.pending = nil
	r.last = time.Now()
	return batch
}

// status publishes a status change of the run with the run's current row.
func (r *recorder) status(run *store.Run) { r.statusPaused(run, "") }

// statusPaused tells watchers the run's status and why it waits, if it does: an empty
// reason clears the one they were shown.
func (r *recorder) statusPaused(run *store.Run, paused string) {
	data, _ := json.Marshal(map[string]any{
		"status": run.Status, "error": run.Error, "paused": paused, "steps": run.Steps, "total_steps": run.TotalSteps,
		"epochs_done": run.EpochsDone, "best_val_acc": run.BestValAcc, "final_val_acc": run.FinalValAcc,
		"test_acc": run.TestAcc, "model_id": run.ModelID,
	})
	r.hub.Publish(r.topic, live.Event{RunID: r.runID, Kind: "status", Payload: data})
}
