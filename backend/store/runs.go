package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"transferlab/backend/experiment"
)

// RunPatch names the columns of a run to change; nil fields are left as they are.
type RunPatch struct {
	Steps          *int
	TotalSteps     *int
	EpochsDone     *int
	BestValAcc     *float64
	FinalValAcc    *float64
	TestAcc        *float64
	ModelID        *string
	CheckpointPath *string
	Error          *string
	StartedAt      *time.Time
	FinishedAt     *time.Time
}

// Set is a pointer to v, for RunPatch fields.
func Set[T any](v T) *T { return &v }

func (p RunPatch) columns() map[string]any {
	cols := map[string]any{"updated_at": time.Now().UTC()}
	put := func(name string, ok bool, v any) {
		if ok {
			cols[name] = v
		}
	}
	put("steps", p.Steps != nil, p.Steps)
	put("total_steps", p.TotalSteps != nil, p.TotalSteps)
	put("epochs_done", p.EpochsDone != nil, p.EpochsDone)
	put("best_val_acc", p.BestValAcc != nil, p.BestValAcc)
	put("final_val_acc", p.FinalValAcc != nil, p.FinalValAcc)
	put("test_acc", p.TestAcc != nil, p.TestAcc)
	put("model_id", p.ModelID != nil, p.ModelID)
	put("checkpoint_path", p.CheckpointPath != nil, p.CheckpointPath)
	put("error", p.Error != nil, p.Error)
	put("started_at", p.StartedAt != nil, p.StartedAt)
	put("finished_at", p.FinishedAt != nil, p.FinishedAt)
	return cols
}

// Run loads one run.
func (d *DB) Run(ctx context.Context, id string) (*Run, error) {
	var r Run
	err := d.scoped(ctx, KindRun).First(&r, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &r, err
}

// RunsByID loads the runs named, in the order named.
func (d *DB) RunsByID(ctx context.Context, ids []string) ([]Run, error) {
	var rs []Run
	if err := d.scoped(ctx, KindRun).Where("id IN ?", ids).Find(&rs).Error; err != nil {
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

// UpdateRun writes the patch's columns of a run.
func (d *DB) UpdateRun(ctx context.Context, id string, p RunPatch) error {
	return d.g.WithContext(ctx).Model(&Run{}).Where("id = ?", id).Updates(p.columns()).Error
}

// SetRunStatusUnlessFinished moves a run to status unless it already ended, so a late
// "running" never overwrites "cancelled". It reports whether the row changed.
func (d *DB) SetRunStatusUnlessFinished(ctx context.Context, id string, status experiment.RunStatus, p RunPatch) (bool, error) {
	return setStatusUnlessFinished(d.g.WithContext(ctx), id, status, p)
}

func setStatusUnlessFinished(tx *gorm.DB, id string, status experiment.RunStatus, p RunPatch) (bool, error) {
	cols := p.columns()
	cols["status"] = status
	res := tx.Model(&Run{}).Where("id = ? AND status IN ?", id, experiment.Unfinished).Updates(cols)
	return res.RowsAffected > 0, res.Error
}

// FinishedArm is everything a run leaves when it trains to the end.
type FinishedArm struct {
	RunID      string
	Metrics    []Metric // the last points not yet written
	Evaluation string   // the test evaluation (JSON), kept as an artifact
	Model      Model    // the trained model
	Patch      RunPatch // its final counters and test accuracy
}

// FinishArm records a run that trained to the end in one transaction: its last points,
// its evaluation, its model and its row (succeeded). A crash leaves either all of it or
// none, so a run is never succeeded without its model. A run cancelled meanwhile keeps
// its status; it reports whether the run became succeeded.
func (d *DB) FinishArm(ctx context.Context, f FinishedArm) (bool, error) {
	var changed bool
	err := d.g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := addMetrics(tx, f.Metrics); err != nil {
			return err
		}
		now := time.Now().UTC()
		runID := f.RunID
		art := Artifact{ID: NewID("art"), RunID: &runID, Kind: EvaluationKind, Meta: f.Evaluation, CreatedAt: now}
		if err := tx.Create(&art).Error; err != nil {
			return err
		}
		// A trained model is its experiment's owner's, private until they share it.
		if err := tx.Table("experiments").Select("experiments.owner_id").
			Joins("JOIN runs ON runs.experiment_id = experiments.id").Where("runs.id = ?", f.RunID).
			Scan(&f.Model.OwnerID).Error; err != nil {
			return err
		}
		if err := tx.Save(&f.Model).Error; err != nil {
			return err
		}
		p := f.Patch
		p.ModelID, p.FinishedAt = &f.Model.ID, &now
		var err error
		changed, err = setStatusUnlessFinished(tx, f.RunID, experiment.Succeeded, p)
		return err
	})
	return changed, err
}

// EvaluationKind names the artifact holding a finished run's test evaluation.
const EvaluationKind = "evaluation"

// Evaluation returns a run's latest test evaluation (JSON), or ErrNotFound.
func (d *DB) Evaluation(ctx context.Context, runID string) (string, error) {
	var art Artifact
	err := d.g.WithContext(ctx).Where("run_id = ? AND kind = ?", runID, EvaluationKind).
		Order("created_at DESC").First(&art).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", ErrNotFound
	}
	return art.Meta, err
}
