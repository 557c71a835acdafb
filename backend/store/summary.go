package store

import (
	"context"
	"encoding/json"

	"transferlab/backend/experiment"
	"transferlab/backend/series"
)

// RefreshSummary works an experiment's result out of its runs' curves and stores it on
// the experiment, where lists and pages read it without touching the curves.
func (d *DB) RefreshSummary(ctx context.Context, expID string) error {
	e, err := d.Experiment(ctx, expID)
	if err != nil {
		return err
	}
	// Only the target is needed; settings stored under older rules still summarize.
	var h struct {
		TargetAcc float64 `json:"target_acc"`
	}
	if err := json.Unmarshal([]byte(e.Hyper), &h); err != nil {
		return err
	}
	arms := make([]experiment.ArmCurves, 0, len(e.Runs))
	final := true
	for _, run := range e.Runs {
		final = final && run.Status.Finished()
		s, err := experiment.ParseStrategy(run.Strategy)
		if err != nil {
			return err
		}
		acc, err := d.Metrics(ctx, run.ID, "val_acc", 0)
		if err != nil {
			return err
		}
		loss, err := d.Metrics(ctx, run.ID, "train_loss", 0)
		if err != nil {
			return err
		}
		arms = append(arms, experiment.ArmCurves{Strategy: s,
			Curves: series.Curves{RunID: run.ID, ValAcc: Points(acc), TrainLoss: Points(loss)}})
	}
	b, err := json.Marshal(experiment.Summarize(arms, h.TargetAcc, final))
	if err != nil {
		return err
	}
	return d.SetSummary(ctx, expID, string(b))
}

// Points turns stored points into a curve.
func Points(ms []Metric) []series.Point {
	pts := make([]series.Point, len(ms))
	for i, m := range ms {
		pts[i] = series.Point{Step: m.Step, Epoch: m.Epoch, Value: m.Value, WallTime: m.WallTime}
	}
	return pts
}
