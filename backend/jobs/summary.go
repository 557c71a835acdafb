package jobs

import (
	"context"
	"log/slog"
	"time"
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
	if err := r.DB.RefreshSummary(ctx, expID); err != nil {
		slog.Warn("summary not updated", "experiment", expID, "err", err)
	}
}
