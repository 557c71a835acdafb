package store

import (
	"context"
	"encoding/json"

	"transferlab/backend/experiment"
	"transferlab/backend/series"
)

// RefreshSummary works an experiment's result out of its runs' curves and stores it on
// the experiment, where lists and pages read it without touching the curves. It returns
// what it stored, for the live watchers.
func (d *DB) RefreshSummary(ctx context.Context, expID string) (experiment.Summary, error) {
	e, err := d.Experiment(ctx, expID)
	if err != nil {
		return experiment.Summary{}, err
	}
	// Read without the rules' checks: settings stored under older rules still summarize.
	var h experiment.Hyper
	if err := json.Unmarshal([]byte(e.Hyper), &h); err != nil {
		return experiment.Summary{}, err
	}
	runs := make([]experiment.RunCurves, 0, len(e.Runs))
	for _, run := range e.Runs {
		s, err := experiment.ParseStrategy(run.Strategy)
		if err != nil {
			return experiment.Summary{}, err
		}
		var rh experiment.Hyper
		if err := json.Unmarshal([]byte(run.Hyper), &rh); err != nil {
			return experiment.Summary{}, err
		}
		acc, err := d.Metrics(ctx, run.ID, "val_acc", 0)
		if err != nil {
			return experiment.Summary{}, err
		}
		runs = append(runs, experiment.RunCurves{Arm: run.ArmIndex, Replicate: run.Replicate, Strategy: s,
			Status: run.Status, ValAcc: Points(acc), TestAcc: run.TestAcc, BatchSize: rh.BatchSize})
	}
	sum := experiment.Summarize(runs, h.TargetRule())
	b, err := json.Marshal(sum)
	if err != nil {
		return sum, err
	}
	return sum, d.SetSummary(ctx, expID, string(b))
}

// Points turns stored points into a curve.
func Points(ms []Metric) []series.Point {
	pts := make([]series.Point, len(ms))
	for i, m := range ms {
		pts[i] = series.Point{Step: m.Step, Epoch: m.Epoch, Value: m.Value, WallTime: m.WallTime}
	}
	return pts
}
