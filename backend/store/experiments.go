package store

import (
	"context"
	"errors"
	"math"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Run statuses.
const (
	StatusQueued    = "queued"
	StatusRunning   = "running"
	StatusSucceeded = "succeeded"
	StatusFailed    = "failed"
	StatusCancelled = "cancelled"
)

// Finished reports whether a run in this status will never change again.
func Finished(status string) bool {
	return status == StatusSucceeded || status == StatusFailed || status == StatusCancelled
}

// CreateExperiment inserts an experiment with its runs in one transaction.
func (d *DB) CreateExperiment(ctx context.Context, e *Experiment) error {
	return d.Gorm.WithContext(ctx).Create(e).Error
}

// Experiment loads one experiment with its runs in arm order.
func (d *DB) Experiment(ctx context.Context, id string) (*Experiment, error) {
	var e Experiment
	err := d.Gorm.WithContext(ctx).Preload("Runs", func(db *gorm.DB) *gorm.DB { return db.Order("arm_index") }).
		First(&e, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &e, err
}

// Experiments lists the newest experiments first, with their runs.
func (d *DB) Experiments(ctx context.Context, limit int) ([]Experiment, error) {
	var es []Experiment
	err := d.Gorm.WithContext(ctx).Preload("Runs", func(db *gorm.DB) *gorm.DB { return db.Order("arm_index") }).
		Order("created_at DESC").Limit(limit).Find(&es).Error
	return es, err
}

// Run loads one run.
func (d *DB) Run(ctx context.Context, id string) (*Run, error) {
	var r Run
	err := d.Gorm.WithContext(ctx).First(&r, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &r, err
}

// RunsByID loads the runs named, in the order named.
func (d *DB) RunsByID(ctx context.Context, ids []string) ([]Run, error) {
	var rs []Run
	if err := d.Gorm.WithContext(ctx).Where("id IN ?", ids).Find(&rs).Error; err != nil {
		return nil, err
	}
	byID := map[string]Run{}
	for _, r := range rs {
		byID[r.ID] = r
	}
	out := make([]Run, 0, len(ids))
	for _, id := range ids {
		r, ok := byID[id]
		if !ok {
			return nil, ErrNotFound
		}
		out = append(out, r)
	}
	return out, nil
}

// UpdateRun writes the given columns of a run.
func (d *DB) UpdateRun(ctx context.Context, id string, cols map[string]any) error {
	cols["updated_at"] = time.Now().UTC()
	return d.Gorm.WithContext(ctx).Model(&Run{}).Where("id = ?", id).Updates(cols).Error
}

// SetRunStatusUnlessFinished moves a run to status unless it already ended, so a late
// "running" never overwrites "cancelled". It reports whether the row changed.
func (d *DB) SetRunStatusUnlessFinished(ctx context.Context, id, status string, cols map[string]any) (bool, error) {
	if cols == nil {
		cols = map[string]any{}
	}
	cols["status"] = status
	cols["updated_at"] = time.Now().UTC()
	res := d.Gorm.WithContext(ctx).Model(&Run{}).
		Where("id = ? AND status NOT IN ?", id, []string{StatusSucceeded, StatusFailed, StatusCancelled}).
		Updates(cols)
	return res.RowsAffected > 0, res.Error
}

// AddMetrics writes a batch of points in one transaction. A point that already exists
// (a resumed run replaying a step) keeps its first value, so nothing is duplicated.
func (d *DB) AddMetrics(ctx context.Context, pts []Metric) error {
	if len(pts) == 0 {
		return nil
	}
	return d.Gorm.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(pts, 500).Error
}

// DeleteMetricsAfter removes the points a run recorded after step: the work done since
// its last checkpoint, which a resumed run is about to redo.
func (d *DB) DeleteMetricsAfter(ctx context.Context, runID string, step int64) error {
	return d.Gorm.WithContext(ctx).Where("run_id = ? AND step > ?", runID, step).Delete(&Metric{}).Error
}

// Metrics returns the points of one curve from step on, in step order.
func (d *DB) Metrics(ctx context.Context, runID, name string, fromStep int64) ([]Metric, error) {
	return d.MetricRange(ctx, runID, name, fromStep, math.MaxInt64)
}

// MetricRange returns the points of one curve with fromStep <= step <= toStep.
func (d *DB) MetricRange(ctx context.Context, runID, name string, fromStep, toStep int64) ([]Metric, error) {
	var pts []Metric
	err := d.Gorm.WithContext(ctx).Where("run_id = ? AND name = ? AND step >= ? AND step <= ?", runID, name, fromStep, toStep).
		Order("step").Find(&pts).Error
	return pts, err
}

// MetricNames lists the curves a run has.
func (d *DB) MetricNames(ctx context.Context, runID string) ([]string, error) {
	var names []string
	err := d.Gorm.WithContext(ctx).Model(&Metric{}).Where("run_id = ?", runID).Distinct().Order("name").Pluck("name", &names).Error
	return names, err
}
