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
// Reason says what uses it, for the message, and Elsewhere whether that is another
// experiment (rather than the thing's own runs), which changes what to do about it.
type InUseError struct {
	Reason    string
	Elsewhere bool
}

func (e *InUseError) Error() string { return e.Reason }

// ErrShippedModel refuses deleting a model of the zoo.
var ErrShippedModel = errors.New("model comes with the server")

// SweepCellError refuses deleting one experiment of a sweep on its own: the sweep
// would lose a value of its axis without a word, so the sweep is deleted whole.
type SweepCellError struct {
	SweepID, SweepName string
}

func (e *SweepCellError) Error() string { return "experiment is a cell of sweep " + e.SweepID }

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
	if e.SweepID != "" {
		var s Sweep
		err := tx.Select("id", "name").First(&s, "id = ?", e.SweepID).Error
		if err == nil {
			return nil, &SweepCellError{SweepID: s.ID, SweepName: s.Name}
		}
		// A cell whose sweep is gone stands alone and goes like any experiment.
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, err
		}
	}
	return cellsDeletion(tx, []Experiment{e})
}

// cellsDeletion checks that experiments es can go together (their runs finished, their
// trained models the base of no training outside them) and lists what they leave.
func cellsDeletion(tx *gorm.DB, es []Experiment) (*ExperimentDeletion, error) {
	del := &ExperimentDeletion{}
	if len(es) == 1 {
		del.Experiment = es[0]
	}
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.ID
		for _, r := range e.Runs {
			if !r.Status.Finished() {
				reason := fmt.Sprintf("its %s run %s is %s", r.Strategy, r.ID, r.Status)
				if len(es) > 1 {
					reason = fmt.Sprintf("the %s run %s of its experiment %q is %s", r.Strategy, r.ID, e.Name, r.Status)
				}
				return nil, &InUseError{Reason: reason}
			}
			del.RunIDs = append(del.RunIDs, r.ID)
		}
	}
	if len(del.RunIDs) == 0 {
		return del, nil
	}
	if err := tx.Model(&Model{}).Where("run_id IN ? AND source = ?", del.RunIDs, SourceRun).
		Order("id").Pluck("id", &del.ModelIDs).Error; err != nil {
		return nil, err
	}
	for _, m := range del.ModelIDs {
		if err := modelInUse(tx, m, ids); err != nil {
			var inUse *InUseError
			if errors.As(err, &inUse) {
				inUse.Reason = "its trained " + inUse.Reason
			}
			return nil, err
		}
	}
	return del, nil
}

// modelInUse refuses when an experiment outside except is training from model id.
func modelInUse(tx *gorm.DB, id string, except []string) error {
	var busy []string
	q := tx.Table("experiments").Distinct("experiments.name").
		Joins("JOIN runs ON runs.experiment_id = experiments.id").
		Where("experiments.base_model_id = ? AND runs.status IN ?", id, experiment.Unfinished)
	if len(except) > 0 {
		q = q.Where("experiments.id NOT IN ?", except)
	}
	if err := q.Order("experiments.name").Limit(3).Pluck("experiments.name", &busy).Error; err != nil {
		return err
	}
	if len(busy) > 0 {
		return &InUseError{Elsewhere: true,
			Reason: fmt.Sprintf("model %s is the base of experiment %s, which is still training", id, quoteList(busy))}
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
	if err := modelInUse(tx, id, nil); err != nil {
		return nil, err
	}
	return &m, nil
}

// SweepDeletable says why sweep id cannot be deleted now, or nil; it only reads.
func (d *DB) SweepDeletable(ctx context.Context, id string) error {
	_, err := sweepDeletion(d.g.WithContext(ctx), id)
	return err
}

// DeleteSweep removes a sweep whose runs have all finished, with every experiment of
// it and what they made, in one transaction; the caller removes the files listed.
func (d *DB) DeleteSweep(ctx context.Context, id string) (*ExperimentDeletion, error) {
	var del *ExperimentDeletion
	err := d.g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if del, err = sweepDeletion(tx, id); err != nil {
			return err
		}
		if len(del.ModelIDs) > 0 {
			if err := tx.Where("id IN ?", del.ModelIDs).Delete(&Model{}).Error; err != nil {
				return err
			}
		}
		if err := tx.Where("sweep_id = ?", id).Delete(&Experiment{}).Error; err != nil {
			return err
		}
		return tx.Delete(&Sweep{}, "id = ?", id).Error
	})
	if err != nil {
		return nil, err
	}
	return del, nil
}

func sweepDeletion(tx *gorm.DB, id string) (*ExperimentDeletion, error) {
	var s Sweep
	if err := tx.Select("id").First(&s, "id = ?", id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	var cells []Experiment
	if err := tx.Preload("Runs").Where("sweep_id = ?", id).Order("sweep_cell").Find(&cells).Error; err != nil {
		return nil, err
	}
	return cellsDeletion(tx, cells)
}
