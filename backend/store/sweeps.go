package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"gorm.io/gorm"

	"transferlab/backend/experiment"
)

// Sweep is a row of sweeps: one question asked along an axis; its cells are
// experiments that name it.
type Sweep struct {
	ID        string `gorm:"primaryKey"`
	Name      string
	DatasetID string
	Axis      string
	Spec      string // JSON of experiment.SweepSpec
	OwnerID   string
	Shared    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// NewSweep makes the rows of a checked sweep: the sweep and one experiment per value,
// each with its queued runs, with fresh ids.
func NewSweep(p *experiment.SweepPlan, now time.Time) (*Sweep, []*Experiment) {
	spec, _ := json.Marshal(p.Spec())
	s := &Sweep{ID: NewID("swp"), Name: p.Name, DatasetID: p.DatasetID, Axis: string(p.Axis),
		Spec: string(spec), CreatedAt: now, UpdatedAt: now}
	cells := make([]*Experiment, 0, len(p.Cells))
	for _, c := range p.Cells {
		// Cells are created a tick apart, so the queue trains them in axis order.
		e := NewExperiment(c.Plan, now.Add(time.Duration(c.Index)*time.Microsecond))
		e.SweepID, e.SweepCell = s.ID, c.Index
		cells = append(cells, e)
	}
	return s, cells
}

// CreateSweep inserts a sweep with its cells and their runs, and runs enqueue in the
// same transaction, as CreateExperiment does: a launch that fails leaves nothing.
func (d *DB) CreateSweep(ctx context.Context, s *Sweep, cells []*Experiment, enqueue func(tx *sql.Tx) error) error {
	// The sweep and its cells belong to whoever launched it.
	stampOwner(ctx, &s.OwnerID)
	rows := []any{s}
	for _, e := range cells {
		stampOwner(ctx, &e.OwnerID)
		rows = append(rows, e)
	}
	return d.createQueued(ctx, "sweep", enqueue, rows...)
}

// Sweep loads one sweep.
func (d *DB) Sweep(ctx context.Context, id string) (*Sweep, error) {
	var s Sweep
	err := d.scoped(ctx, KindSweep).First(&s, "sweeps.id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &s, err
}

// Sweeps lists the newest sweeps first.
func (d *DB) Sweeps(ctx context.Context, limit int) ([]Sweep, error) {
	var ss []Sweep
	err := d.scoped(ctx, KindSweep).Order("created_at DESC").Limit(limit).Find(&ss).Error
	return ss, err
}

// SweepCells loads a sweep's experiments in axis order, with their runs: those the
// viewer may see.
func (d *DB) SweepCells(ctx context.Context, sweepID string) ([]Experiment, error) {
	var es []Experiment
	err := d.scoped(ctx, KindExperiment).Preload("Runs", func(db *gorm.DB) *gorm.DB { return db.Order("replicate, arm_index") }).
		Where("sweep_id = ?", sweepID).Order("sweep_cell").Find(&es).Error
	return es, err
}
