package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"transferlab/backend/experiment"
)

// Dataset sources and the status of a dataset that can be trained on.
const (
	SourceUpload  = "upload"
	SourceBuiltin = "builtin"
	DatasetReady  = "ready"
)

// ActiveRun is a queued or running run that reads a dataset.
type ActiveRun struct {
	RunID          string
	Status         string
	ExperimentID   string
	ExperimentName string
}

// DatasetInUseError refuses to delete a dataset that runs still read.
type DatasetInUseError struct {
	Runs []ActiveRun
}

func (e *DatasetInUseError) Error() string {
	r := e.Runs[0]
	msg := fmt.Sprintf("run %s of experiment %q (%s) is %s", r.RunID, r.ExperimentName, r.ExperimentID, r.Status)
	if n := len(e.Runs) - 1; n > 0 {
		msg += fmt.Sprintf(", and %d more", n)
	}
	return msg
}

// Datasets lists uploads newest first, then the built-ins.
func (d *DB) Datasets(ctx context.Context) ([]Dataset, error) {
	var ds []Dataset
	// A boolean sorts false first in SQLite and PostgreSQL alike.
	err := d.scoped(ctx, KindDataset).Order("source = '" + SourceBuiltin + "', created_at DESC, id").Find(&ds).Error
	return ds, err
}

// Dataset loads one dataset.
func (d *DB) Dataset(ctx context.Context, id string) (*Dataset, error) {
	var ds Dataset
	err := d.scoped(ctx, KindDataset).First(&ds, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &ds, err
}

// CreateDataset inserts a dataset row.
func (d *DB) CreateDataset(ctx context.Context, ds *Dataset) error {
	stampOwner(ctx, &ds.OwnerID)
	return d.g.WithContext(ctx).Create(ds).Error
}

// RenameDataset changes the name of a dataset and returns the renamed row.
func (d *DB) RenameDataset(ctx context.Context, id, name string) (*Dataset, error) {
	res := d.g.WithContext(ctx).Model(&Dataset{}).Where("id = ?", id).
		Updates(map[string]any{"name": strings.TrimSpace(name), "updated_at": time.Now().UTC()})
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, ErrNotFound
	}
	return d.Dataset(ctx, id)
}

// ActiveRunsOfDataset lists the queued and running runs of experiments on a dataset,
// oldest first.
func (d *DB) ActiveRunsOfDataset(ctx context.Context, id string) ([]ActiveRun, error) {
	return activeRuns(d.g.WithContext(ctx), id)
}

func activeRuns(tx *gorm.DB, datasetID string) ([]ActiveRun, error) {
	var out []ActiveRun
	err := tx.Table("runs").
		Select("runs.id AS run_id, runs.status AS status, experiments.id AS experiment_id, experiments.name AS experiment_name").
		Joins("JOIN experiments ON experiments.id = runs.experiment_id").
		Where("experiments.dataset_id = ? AND runs.status IN ?", datasetID, experiment.Unfinished).
		Order("runs.created_at, runs.id").
		Scan(&out).Error
	return out, err
}

// DeleteDataset removes the row of a dataset no queued or running run reads, and
// returns it so the caller can remove its files. The check and the delete share one
// transaction so a run queued in between cannot slip past the check.
func (d *DB) DeleteDataset(ctx context.Context, id string) (*Dataset, error) {
	var ds Dataset
	err := d.g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.First(&ds, "id = ?", id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		runs, err := activeRuns(tx, id)
		if err != nil {
			return err
		}
		if len(runs) > 0 {
			return &DatasetInUseError{Runs: runs}
		}
		return tx.Delete(&Dataset{}, "id = ?", id).Error
	})
	if err != nil {
		return nil, err
	}
	return &ds, nil
}
