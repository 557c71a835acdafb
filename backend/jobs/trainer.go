package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"transferlab/backend/experiment"
	"transferlab/backend/experiment/trainmap"
	"transferlab/backend/metrics"
	"transferlab/backend/nn"
	"transferlab/backend/store"
	"transferlab/backend/train"
)

// TrainingData is a dataset's splits at the size and channel count a model takes.
type TrainingData struct {
	Train, Val, Test train.Dataset
	Classes          []string
	Input            nn.Input
	Close            func()
}

// DatasetOpener gives the training data of a dataset. in is the input the model takes
// (nil: the dataset's own); the data layer converts and resizes to it. sample seeds the
// pick of a dataset that is a per-class sample (a few-shot view): every arm of a
// replicate passes the same, so they train on the same images.
type DatasetOpener interface {
	Open(ctx context.Context, datasetID string, in *nn.Input, sample int64) (*TrainingData, error)
}

// loadModel reads and validates a model's weights.
func (r *Runner) loadModel(ctx context.Context, id string) (*nn.Model, error) {
	b, err := r.Weights(ctx, id)
	if err != nil {
		return nil, err
	}
	return nn.Load(b)
}

// Weights returns a model's weight file (safetensors) from the embedded zoo or the
// data directory.
func (r *Runner) Weights(ctx context.Context, id string) ([]byte, error) {
	row, err := r.DB.Model(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", id, err)
	}
	var b []byte
	if name, ok := strings.CutPrefix(row.Path, store.ZooPrefix); ok {
		b, err = fs.ReadFile(r.Zoo, name)
	} else {
		var path string
		if path, err = r.DataDir.Resolve(row.Path); err == nil {
			// Trained on another machine, perhaps: fetch or check the local copy.
			if err = r.Blobs.Pull(ctx, row.Path); err == nil {
				b, err = os.ReadFile(path)
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", id, err)
	}
	return b, nil
}

// trainArm trains one arm from its checkpoint (if any) to the end of its budget, then
// evaluates it on the test split and saves it as a model.
func (r *Runner) trainArm(ctx context.Context, slot *expSlot, exp *store.Experiment, run *store.Run, rec *recorder) error {
	// Settings stored before a setting existed take its default.
	h, err := experiment.ParseHyper(json.RawMessage(run.Hyper))
	if err != nil {
		return fmt.Errorf("run settings: %w", err)
	}
	strategy, err := experiment.ParseStrategy(run.Strategy)
	if err != nil {
		return err
	}
	var base *nn.Model
	var in *nn.Input
	if exp.BaseModelID != "" {
		if base, err = r.loadModel(ctx, exp.BaseModelID); err != nil {
			return err
		}
		if exp.Arch != base.Arch {
			return errors.New(experiment.ArchMismatch(exp.Arch, base.Arch))
		}
		at := base.Input
		if h.InputSize > 0 { // a model that works at several sizes, at the one asked for
			at.Height, at.Width = h.InputSize, h.InputSize
		}
		in = &at
	}
	data, err := r.Datasets.Open(ctx, exp.DatasetID, in, sampleSeed(run, h))
	if err != nil {
		return err
	}
	defer data.Close()
	data.Train = perClassPick(data.Train, h.LabelsPerClass, sampleSeed(run, h))
	// The checks the server made at creation, again: the model or data may have changed.
	layers, err := trainmap.Layers(exp.Arch, experiment.Input(data.Input), len(data.Classes))
	if err != nil {
		return err
	}
	if err := strategy.CheckLayers(len(layers)); err != nil {
		return err
	}
	spe := (data.Train.Len() + h.BatchSize - 1) / h.BatchSize
	th := trainmap.Hyper(h, spe)
	val := sampleSplit(data.Val, h.ValLimit, th.Seed)
	// Every arm draws its head from the same seed, so the strategy is the only difference.
	ts := trainmap.Strategy(strategy)
	model, _, err := train.NewModel(exp.Arch, base, ts, data.Input, data.Classes, th.Seed)
	if err != nil {
		return err
	}
	if h.BNReestimate && strategy.UsesBase() {
		if err := train.ReestimateBatchNorm(model, data.Train, th.Seed); err != nil {
			return err
		}
	}
	tr, err := train.NewRun(model, ts, th, data.Train, val)
	if err != nil {
		return err
	}
	defer tr.Close()
	if err := r.resume(ctx, tr, run.ID); err != nil {
		return err
	}
	// Viewers already saw the points an earlier attempt announced past the checkpoint;
	// the redone steps repeat them exactly, so they are recorded but not shown again.
	shown, err := r.DB.LastLiveStep(ctx, exp.ID, run.ID)
	if err != nil {
		return fmt.Errorf("live points of run %s: %w", run.ID, err)
	}
	rec.shownThrough(shown)
	now := time.Now().UTC()
	started := store.RunPatch{TotalSteps: store.Set(spe * th.Epochs), Steps: store.Set(tr.Step()), EpochsDone: store.Set(tr.Epoch())}
	if run.StartedAt == nil {
		started.StartedAt = &now
	}
	if ok, err := r.DB.SetRunStatusUnlessFinished(ctx, run.ID, experiment.Running, started); err != nil || !ok {
		return err // cancelled before it began
	}
	if cur, err := r.DB.Run(ctx, run.ID); err == nil {
		rec.status(cur)
	}

	// Frozen outputs first, before taking a turn: the other arms step meanwhile, and a
	// replicate that needs the same outputs waits for them instead of computing its own.
	if err := tr.Prepare(ctx); err != nil {
		return err
	}
	prio := priorityOf(strategy)
	slot.turn.Lock(prio)
	defer metrics.TrainingDone(run.ID)
	res, err := tr.Train(ctx, r.callbacks(ctx, slot, prio, tr, run, rec, spe))
	slot.turn.Unlock()
	if err != nil {
		return err
	}
	return r.finishArm(ctx, tr, run, res, data, exp, rec)
}

// sampleSeed is the seed the run's replicate draws its training sample with: its own
// seed, so replicate 0 of an experiment with seed 1 keeps the documented pick.
func sampleSeed(run *store.Run, h experiment.Hyper) int64 {
	if run.Seed != 0 || run.Replicate != 0 {
		return run.Seed
	}
	return h.Seed // a run stored before replicates kept its seed in its settings only
}

func (r *Runner) resume(ctx context.Context, tr *train.Run, runID string) error {
	path := r.DataDir.Checkpoint(runID)
	if rel, err := r.DataDir.Rel(path); err == nil {
		// Another worker may have trained the run so far.
		if err := r.Blobs.Pull(ctx, filepath.ToSlash(rel)); err != nil {
			return fmt.Errorf("fetch checkpoint of run %s: %w", runID, err)
		}
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return r.DB.DeleteMetricsAfter(ctx, runID, 0)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	c, err := train.ReadCheckpoint(f)
	if err != nil {
		return fmt.Errorf("checkpoint of run %s: %w", runID, err)
	}
	if err := tr.Resume(c); err != nil {
		return err
	}
	slog.InfoContext(ctx, "resuming from the checkpoint", "run", runID, "step", c.Step)
	// Points past the checkpoint are redone; drop them so the curve has no duplicates.
	return r.DB.DeleteMetricsAfter(ctx, runID, int64(c.Step))
}
