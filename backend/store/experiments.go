package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"transferlab/backend/experiment"
)

// CreateExperiment inserts an experiment with its runs, and runs enqueue (which queues
// the runs' jobs) in the same transaction: if queuing fails, nothing of the experiment
// is left behind, and no job ever names a row that does not exist. enqueue gets the
// transaction's own connection; it may be nil.
func (d *DB) CreateExperiment(ctx context.Context, e *Experiment, enqueue func(tx *sql.Tx) error) error {
	stampOwner(ctx, &e.OwnerID)
	return d.createQueued(ctx, "experiment", enqueue, e)
}

// createQueued creates rows in order and, in the same transaction, queues their jobs
// through enqueue (nil: none), so a launch that fails leaves nothing half made.
func (d *DB) createQueued(ctx context.Context, what string, enqueue func(tx *sql.Tx) error, rows ...any) error {
	return d.g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, row := range rows {
			if err := tx.Create(row).Error; err != nil {
				return err
			}
		}
		if enqueue == nil {
			return nil
		}
		sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
		if !ok {
			return fmt.Errorf("create %s: no SQL transaction to queue its jobs in", what)
		}
		return enqueue(sqlTx)
	})
}

// Experiment loads one experiment with its runs in arm order.
func (d *DB) Experiment(ctx context.Context, id string) (*Experiment, error) {
	var e Experiment
	err := d.scoped(ctx, KindExperiment).Preload("Runs", func(db *gorm.DB) *gorm.DB { return db.Order("replicate, arm_index") }).
		First(&e, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &e, err
}

// Experiments lists the newest experiments first, with their runs. It reads no curves:
// each experiment carries its stored summary.
func (d *DB) Experiments(ctx context.Context, limit int) ([]Experiment, error) {
	var es []Experiment
	err := d.scoped(ctx, KindExperiment).Preload("Runs", func(db *gorm.DB) *gorm.DB { return db.Order("replicate, arm_index") }).
		Order("created_at DESC").Limit(limit).Find(&es).Error
	return es, err
}

// SetSummary stores an experiment's result summary (JSON).
func (d *DB) SetSummary(ctx context.Context, expID, summary string) error {
	return d.g.WithContext(ctx).Model(&Experiment{}).Where("id = ?", expID).
		Updates(map[string]any{"summary": summary, "updated_at": time.Now().UTC()}).Error
}

// PendingArms reports whether any arm of the experiment has yet to finish.
func (d *DB) PendingArms(ctx context.Context, expID string) (bool, error) {
	var n int64
	err := d.g.WithContext(ctx).Model(&Run{}).
		Where("experiment_id = ? AND status IN ?", expID, experiment.Unfinished).Count(&n).Error
	return n > 0, err
}

// NewExperiment makes the rows of a checked plan: the experiment and one queued run per
// arm, with fresh ids.
func NewExperiment(p *experiment.Plan, now time.Time) *Experiment {
	hj, _ := json.Marshal(p.Hyper)
	e := &Experiment{ID: NewID("exp"), Name: p.Name, DatasetID: p.DatasetID, BaseModelID: p.BaseModelID,
		Arch: p.Arch, Hyper: string(hj), Summary: "{}", CreatedAt: now, UpdatedAt: now}
	for _, rep := range p.Replicates() {
		aj, _ := json.Marshal(rep.Hyper)
		e.Runs = append(e.Runs, Run{ID: NewID("run"), ExperimentID: e.ID, ArmIndex: rep.Arm.Index,
			Replicate: rep.Index, Seed: rep.Seed, Strategy: rep.Arm.Strategy.String(), Hyper: string(aj),
			Status: experiment.Queued, CreatedAt: now, UpdatedAt: now})
	}
	return e
}
