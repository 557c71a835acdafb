package store

import (
	"context"
	"math"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// AddMetrics writes a batch of points in one transaction. A point that already exists
// (a resumed run replaying a step) keeps its first value, so nothing is duplicated.
func (d *DB) AddMetrics(ctx context.Context, pts []Metric) error {
	return addMetrics(d.g.WithContext(ctx), pts)
}

func addMetrics(tx *gorm.DB, pts []Metric) error {
	if len(pts) == 0 {
		return nil
	}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(pts, 500).Error
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
