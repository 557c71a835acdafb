package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"transferlab/backend/nn"
	"transferlab/backend/store"
	"transferlab/backend/train"
)

// Evaluation is what a finished run leaves for its detail page.
type Evaluation struct {
	Classes []string           `json:"classes"`
	Test    *train.Report      `json:"test"`
	Drift   map[string]float64 `json:"drift"`
	Result  train.Result       `json:"result"`
}

// finishArm evaluates the trained model on the test split, keeps the evaluation, and
// saves the model so it can be tried, downloaded or fine-tuned from, and records the
// run as succeeded.
func (r *Runner) finishArm(ctx context.Context, tr *train.Run, run *store.Run, res train.Result, data *TrainingData, exp *store.Experiment, rec *recorder) error {
	ev := Evaluation{Classes: data.Classes, Drift: tr.Drift(), Result: res}
	test := data.Test
	if test == nil || test.Len() == 0 {
		test = data.Val
	}
	if test != nil && test.Len() > 0 {
		rep, err := tr.Evaluate(test)
		if err != nil {
			return fmt.Errorf("test evaluation: %w", err)
		}
		ev.Test = rep
	}
	evJSON, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	runID := run.ID
	modelID := "model-" + strings.TrimPrefix(run.ID, "run_")
	rel, path := r.DataDir.UserModel(modelID)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := tr.Model.SaveFile(path); err != nil {
		return fmt.Errorf("save model: %w", err)
	}
	if err := r.Blobs.Push(ctx, filepath.ToSlash(rel)); err != nil {
		return fmt.Errorf("share model: %w", err)
	}
	card := nn.Card{ID: modelID, Name: fmt.Sprintf("%s, %s (%s)", exp.Name, run.Strategy, run.ID),
		Architecture: tr.Model.Arch, Input: tr.Model.Input, Classes: data.Classes,
		Source: exp.DatasetID, Epochs: res.Epochs, Seed: tr.Hyper.Seed, Parameters: tr.Model.NumParams(),
		Format: "safetensors F32"}
	patch := store.RunPatch{Steps: store.Set(res.Steps), EpochsDone: store.Set(res.Epochs)}
	var testAcc *float64
	if ev.Test != nil {
		card.TestAccuracy, card.TestImages = ev.Test.Accuracy, ev.Test.N
		testAcc = &ev.Test.Accuracy
		patch.TestAcc = testAcc
	}
	cardJSON, _ := json.Marshal(card)
	classes, _ := json.Marshal(data.Classes)
	m := store.Model{ID: modelID, Name: card.Name, Arch: card.Architecture, Channels: card.Input.Channels,
		Height: card.Input.Height, Width: card.Input.Width, Classes: string(classes), Source: store.SourceRun,
		SourceDataset: exp.DatasetID, TestAccuracy: testAcc, Card: string(cardJSON), Path: filepath.ToSlash(rel), RunID: &runID,
		CreatedAt: now, UpdatedAt: now}
	// The last points, the evaluation, the model and the run's row in one transaction:
	// a run is never succeeded without its model, nor its model listed for a run that
	// did not finish.
	_, err = r.DB.FinishArm(ctx, store.FinishedArm{RunID: run.ID, Metrics: rec.take(), Evaluation: string(evJSON), Model: m, Patch: patch})
	return err
}
