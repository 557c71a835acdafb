package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"transferlab/backend/experiment"
)

// SourceRun marks a model trained by a run of this server, the only kind that can be
// deleted; zoo models come with the server.
const SourceRun = "run"

// InUseError refuses a delete that would pull something from under work in progress:
// Reason says what uses it, for the message.
type InUseError struct {
	Reason string
}

func (e *InUseError) Error() string { return e.Reason }

// ErrShippedModel refuses deleting a model of the zoo.
var ErrShippedModel = errors.New("model comes with the server")

// ExperimentDeletion is what a deleted experiment leaves on disk for the caller to
// remove: its runs' folders (checkpoints) and its trained models' weight files.
type ExperimentDeletion struct {
	Experiment Experiment
	RunIDs     []string
	ModelIDs   []string
}

// ExperimentDeletable says why experiment id cannot be deleted now (an *InUseError),
// or nil. It only reads, so it answers on a full disk.
func (d *DB) ExperimentDeletable(ctx context.Context, id string) error {
	_, err := experimentDeletion(d.g.WithContext(ctx), id)
	return err
}

// DeleteExperiment removes an experiment whose runs have all finished, with its runs,
// metrics, evaluations and trained models, in one transaction that also makes the
// checks; the caller removes the files listed in the result.
func (d *DB) DeleteExperiment(ctx context.Context, id string) (*ExperimentDeletion, error) {
	var del *ExperimentDeletion
	err := d.g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if del, err = experimentDeletion(tx, id); err != nil {
			return err
		}
		if len(del.ModelIDs) > 0 {
			if err := tx.Where("id IN ?", del.ModelIDs).Delete(&Model{}).Error; err != nil {
				return err
			}
		}
		// Runs, their metrics and artifacts go with the experiment (ON DELETE CASCADE).
		return tx.Delete(&Experiment{}, "id = ?", id).Error
	})
	if err != nil {
		return nil, err
	}
	return del, nil
}

func experimentDeletion(tx *gorm.DB, id string) (*ExperimentDeletion, error) {
	var e Experiment
	if err := tx.Preload("Runs").First(&e, "id = ?", id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	del := &ExperimentDeletion{Experiment: e}
	for _, r := range e.Runs {
		if !r.Status.Finished() {
			return nil, &InUseError{Reason: fmt.Sprintf("its %s run %s is %s", r.Strategy, r.ID, r.Status)}
		}
		del.RunIDs = append(del.RunIDs, r.ID)
	}
	if len(del.RunIDs) == 0 {
		return del, nil
	}
	if err := tx.Model(&Model{}).Where("run_id IN ? AND source = ?", del.RunIDs, SourceRun).
		Order("id").Pluck("id", &del.ModelIDs).Error; err != nil {
		return nil, err
	}
	for _, m := range del.ModelIDs {
		if err := modelInUse(tx, m, id); err != nil {
			return nil, err
		}
	}
	return del, nil
}

// modelInUse refuses when an experiment other than except is training from model id.
func modelInUse(tx *gorm.DB, id, except string) error {
	var busy []string
	err := tx.Table("experiments").Distinct("experiments.name").
		Joins("JOIN runs ON runs.experiment_id = experiments.id").
		Where("experiments.base_model_id = ? AND experiments.id <> ? AND runs.status IN ?", id, except, experiment.Unfinished).
		Limit(3).Pluck("experiments.name", &busy).Error
	if err != nil {
		return err
	}
	if len(busy) > 0 {
		return &InUseError{Reason: fmt.Sprintf("model %s is the base of experiment %s, which is still training", id, quoteList(busy))}
	}
	return nil
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		if len(n) > 80 {
			n = n[:80] + "…"
		}
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// ModelDeletable says why model id cannot be deleted now, or nil; it only reads.
func (d *DB) ModelDeletable(ctx context.Context, id string) error {
	_, err := modelDeletion(d.g.WithContext(ctx), id)
	return err
}

// DeleteModel removes a trained model no training uses and returns its row, so the
// caller can remove the weight file; the runs that made it forget it.
func (d *DB) DeleteModel(ctx context.Context, id string) (*Model, error) {
	var m *Model
	err := d.g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if m, err = modelDeletion(tx, id); err != nil {
			return err
		}
		if err := tx.Model(&Run{}).Where("model_id = ?", id).Update("model_id", "").Error; err != nil {
			return err
		}
		return tx.Delete(&Model{}, "id = ?", id).Error
	})
	return m, err
}

func modelDeletion(tx *gorm.DB, id string) (*Model, error) {
	var m Model
	if err := tx.First(&m, "id = ?", id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	if m.Source != SourceRun {
		return nil, ErrShippedModel
	}
	return &m, modelInUse(tx, id, "")
}
