package store

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"strings"

	"gorm.io/gorm"
)

// AddMetrics writes a batch of points in one transaction. A point that already exists
// (a resumed run replaying a step) keeps its first value, so nothing is duplicated.
func (d *DB) AddMetrics(ctx context.Context, pts []Metric) error {
	return addMetrics(d.g.WithContext(ctx), pts)
}

// addMetrics inserts with one prepared statement in a transaction: a point costs a few
// microseconds this way, many times less than GORM's batches, and a run records every
// step.
func addMetrics(db *gorm.DB, pts []Metric) error {
	if len(pts) == 0 {
		return nil
	}
	return db.Transaction(func(tx *gorm.DB) error {
		prep, ok := tx.Statement.ConnPool.(interface {
			PrepareContext(context.Context, string) (*sql.Stmt, error)
		})
		if !ok {
			return errors.New("add metrics: the connection cannot prepare statements")
		}
		ctx := tx.Statement.Context
		stmt, err := prep.PrepareContext(ctx, insertMetric(tx))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, p := range pts {
			if _, err := stmt.ExecContext(ctx, p.RunID, p.Name, p.Step, p.Epoch, p.Split, p.Value, p.WallTime); err != nil {
				return err
			}
		}
		return nil
	})
}

// insertMetric keeps a point that exists already (a resumed run replaying a step). The
// placeholders are the database's own (? or $n).
func insertMetric(tx *gorm.DB) string {
	var sb strings.Builder
	sb.WriteString("INSERT INTO metrics (run_id, name, step, epoch, split, value, wall_time) VALUES (")
	st := &gorm.Statement{DB: tx}
	for i := 0; i < 7; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		st.Vars = append(st.Vars, nil)
		tx.Dialector.BindVarTo(&sb, st, nil)
	}
	sb.WriteString(") ON CONFLICT (run_id, name, step) DO NOTHING")
	return sb.String()
}

// DeleteMetricsAfter removes the points a run recorded after step: the work done since
// its last checkpoint, which a resumed run is about to redo.
func (d *DB) DeleteMetricsAfter(ctx context.Context, runID string, step int64) error {
	return d.g.WithContext(ctx).Where("run_id = ? AND step > ?", runID, step).Delete(&Metric{}).Error
}

// Metrics returns the points of one curve from step on, in step order.
func (d *DB) Metrics(ctx context.Context, runID, name string, fromStep int64) ([]Metric, error) {
	return d.MetricRange(ctx, runID, name, fromStep, math.MaxInt64)
}

// MetricRange returns the points of one curve with fromStep <= step <= toStep.
func (d *DB) MetricRange(ctx context.Context, runID, name string, fromStep, toStep int64) ([]Metric, error) {
	var pts []Metric
	err := d.g.WithContext(ctx).Where("run_id = ? AND name = ? AND step >= ? AND step <= ?", runID, name, fromStep, toStep).
		Order("step").Find(&pts).Error
	return pts, err
}

// MetricNames lists the curves a run has.
func (d *DB) MetricNames(ctx context.Context, runID string) ([]string, error) {
	var names []string
	err := d.g.WithContext(ctx).Model(&Metric{}).Where("run_id = ?", runID).Distinct().Order("name").Pluck("name", &names).Error
	return names, err
}
