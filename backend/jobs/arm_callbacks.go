package jobs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"transferlab/backend/atomicfile"
	"transferlab/backend/metrics"
	"transferlab/backend/store"
	"transferlab/backend/train"
)

// armCallbacks records a run's progress and hands the experiment's turn to the next
// arm after every step, so arms sharing a slot advance side by side.
type armCallbacks struct {
	r     *Runner
	ctx   context.Context
	slot  *expSlot
	tr    *train.Run
	runID string
	rec   *recorder
	spe   int
	best  float64 // best validation accuracy so far, resumes included
	err   error
}

func (r *Runner) callbacks(ctx context.Context, slot *expSlot, tr *train.Run, run *store.Run, rec *recorder, spe int) *armCallbacks {
	a := &armCallbacks{r: r, ctx: ctx, slot: slot, tr: tr, runID: run.ID, rec: rec, spe: spe}
	if run.BestValAcc != nil {
		a.best = *run.BestValAcc
	}
	return a
}

func (a *armCallbacks) epochAt(step int) float64 { return float64(step) / float64(a.spe) }

func (a *armCallbacks) OnStep(m train.StepMetrics) {
	a.keep(a.rec.record(a.ctx, StepPoint{Step: int64(m.Step), Epoch: a.epochAt(m.Step), WallTime: m.Wall.Seconds(),
		Values: map[string]float64{"train_loss": m.Loss, "train_acc": m.Acc, "lr": m.LR,
			"samples_per_sec": m.SamplesPerSec, "examples_seen": float64(m.Step * a.tr.Hyper.BatchSize)}}))
	metrics.TrainingStep(a.runID, m.Samples, m.SamplesPerSec)
	if m.Step%20 == 0 {
		a.keep(a.r.DB.UpdateRun(a.ctx, a.runID, store.RunPatch{Steps: store.Set(m.Step)}))
	}
	// Hand over the turn: the arm that has waited longest gets it.
	a.slot.turn.Unlock()
	a.slot.turn.Lock()
}

func (a *armCallbacks) OnEval(m train.EvalMetrics) {
	vals := map[string]float64{"val_loss": m.Loss, "val_acc": m.Acc}
	for layer, d := range m.Drift {
		vals["drift/"+layer] = d
	}
	a.keep(a.rec.record(a.ctx, StepPoint{Step: int64(m.Step), Epoch: a.epochAt(m.Step), WallTime: m.Wall.Seconds(), Values: vals}))
	a.best = max(a.best, m.Acc)
	a.keep(a.r.DB.UpdateRun(a.ctx, a.runID, store.RunPatch{BestValAcc: store.Set(a.best), FinalValAcc: store.Set(m.Acc), Steps: store.Set(m.Step)}))
	a.r.summarizeSoon(a.ctx, a.rec.topic)
}

// OnEpochEnd writes the checkpoint (atomically: a kill mid-write leaves the previous
// one) after the epoch's points are in the database, so a resume never lacks points.
func (a *armCallbacks) OnEpochEnd(c *train.Checkpoint) error {
	if a.err != nil {
		return a.err
	}
	if err := a.rec.flush(a.ctx); err != nil {
		return err
	}
	path := a.r.DataDir.Checkpoint(a.runID)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := atomicfile.Write(path, c.Write); err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	rel, _ := a.r.DataDir.Rel(path)
	// Shared before the row names it, so a worker that resumes the run finds it.
	if err := a.r.Blobs.Push(a.ctx, filepath.ToSlash(rel)); err != nil {
		return fmt.Errorf("share checkpoint: %w", err)
	}
	if err := a.r.DB.UpdateRun(a.ctx, a.runID, store.RunPatch{EpochsDone: store.Set(c.Epoch), Steps: store.Set(c.Step), CheckpointPath: &rel}); err != nil {
		return err
	}
	if run, err := a.r.DB.Run(a.ctx, a.runID); err == nil {
		a.rec.status(run)
	}
	return nil
}

// keep remembers the first recording error; the epoch end reports it and stops the run.
func (a *armCallbacks) keep(err error) {
	if err != nil && a.err == nil && a.ctx.Err() == nil {
		a.err = err
	}
}

var _ train.Callbacks = (*armCallbacks)(nil)
