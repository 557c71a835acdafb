package jobs

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"transferlab/backend/live"
)

// summaryEvery is how often, at most, a training experiment's stored summary is
// brought up to date: often enough for a list that looks live, rarely enough that
// reading the curves costs training nothing worth measuring.
const summaryEvery = 5 * time.Second

// summarizeSoon updates the experiment's summary unless that was done within
// summaryEvery.
func (r *Runner) summarizeSoon(ctx context.Context, expID string) {
	r.mu.Lock()
	if r.summarized == nil {
		r.summarized = map[string]time.Time{}
	}
	due := time.Since(r.summarized[expID]) >= summaryEvery
	if due {
		r.summarized[expID] = time.Now()
	}
	r.mu.Unlock()
	if due {
		r.summarize(ctx, expID)
	}
}

// summarize works out the experiment's result from its curves and stores it on the
// experiment. A failure is logged, not returned: the summary is a view of the curves,
// and the next update rewrites it.
func (r *Runner) summarize(ctx context.Context, expID string) {
	ctx = context.WithoutCancel(ctx)
	// One at a time: reading the runs and writing the summary are two steps, and an arm
	// that finishes while another's summary is being worked out must not have its final
	// summary overwritten by the other's, read a moment before.
	r.summaryMu.Lock()
	defer r.summaryMu.Unlock()
	sum, err := r.DB.RefreshSummary(ctx, expID)
	if err != nil {
		slog.Warn("summary not updated", "experiment", expID, "err", err)
		return
	}
	// Watchers get the verdict as it is stored, so the page never works out its own.
	data, _ := json.Marshal(sum)
	r.Hub.Publish(expID, live.Event{Kind: "verdict", Payload: data})
}
