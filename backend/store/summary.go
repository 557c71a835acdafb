package store

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm"

	"transferlab/backend/experiment"
	"transferlab/backend/series"
)

// RefreshSummary works an experiment's result out of its runs' curves and stores it on
// the experiment, where lists and pages read it without touching the curves. It returns
// what it stored, for the live watchers.
func (d *DB) RefreshSummary(ctx context.Context, expID string) (sum experiment.Summary, err error) {
	// Two arms that end at once, in one process or in two, each work a summary out; the
	// one that read the runs last must write last, or a stale "so far" buries the final
	// verdict for good. Touching the row first holds its lock (PostgreSQL) or the write
	// lock (SQLite) to the commit, so refreshes take turns.
	err = d.g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&Experiment{}).Where("id = ?", expID).Update("updated_at", time.Now().UTC()).Error; err != nil {
			return err
		}
		sum, err = (&DB{g: tx, sqlDB: d.sqlDB}).refreshSummary(ctx, expID)
		return err
	})
	return sum, err
}

func (d *DB) refreshSummary(ctx context.Context, expID string) (experiment.Summary, error) {
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
