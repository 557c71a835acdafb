package jobs

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"transferlab/backend/data"
	"transferlab/backend/experiment"
	"transferlab/backend/nn"
	"transferlab/backend/train"
)

// transferSeed fixes the sample and folds of every score, so a ranking never changes
// between visits.
const transferSeed = 1

// scoreCache keeps scores by dataset and model: both are immutable once ready, and a
// wizard asks again each time a person comes back to the base-model step.
type scoreCache struct {
	mu sync.Mutex
	m  map[[2]string]experiment.TransferScore
}

// Transferability ranks the models for a dataset by the ridge linear-probe accuracy of
// their frozen features on a seeded sample of its training split. A model that cannot
// be scored is listed last with its reason.
func (r *Runner) Transferability(ctx context.Context, datasetID string, modelIDs []string) (experiment.Transferability, error) {
	t0 := time.Now()
	out := experiment.Transferability{DatasetID: datasetID, Method: train.ScoreMethod, Sample: train.TransferSample}
	opened := map[nn.Input]*TrainingData{}
	defer func() {
		for _, td := range opened {
			td.Close()
		}
	}()
	for _, id := range modelIDs {
		s, err := r.transferScore(ctx, datasetID, id, opened)
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return out, err
		}
		if err != nil {
			s = experiment.TransferScore{ModelID: id, Error: err.Error()}
		}
		out.Scores = append(out.Scores, s)
	}
	slices.SortStableFunc(out.Scores, func(a, b experiment.TransferScore) int {
		if (a.Error == "") != (b.Error == "") {
			return cmp.Compare(len(a.Error), len(b.Error))
		}
		return cmp.Compare(b.Score, a.Score)
	})
	out.Seconds = time.Since(t0).Seconds()
	return out, nil
}

func (r *Runner) transferScore(ctx context.Context, datasetID, modelID string, opened map[nn.Input]*TrainingData) (experiment.TransferScore, error) {
	key := [2]string{datasetID, modelID}
	r.scores.mu.Lock()
	s, ok := r.scores.m[key]
	r.scores.mu.Unlock()
	if ok {
		return s, nil
	}
	base, err := r.loadModel(ctx, modelID)
	if err != nil {
		return experiment.TransferScore{}, err
	}
	// The data is converted to the model's input, as an experiment from it would be.
	td, ok := opened[base.Input]
	if !ok && r.Datasets == nil {
		return experiment.TransferScore{}, errors.New("this server opens no datasets, so it cannot score models")
	}
	if !ok {
		if td, err = r.Datasets.Open(ctx, datasetID, &base.Input, data.FewShotSeed); err != nil {
			return experiment.TransferScore{}, err
		}
		opened[base.Input] = td
	}
	ts, err := train.Transferability(ctx, base, td.Train, td.Classes, transferSeed)
	if err != nil {
		return experiment.TransferScore{}, err
	}
	s = experiment.TransferScore{ModelID: modelID, Score: ts.Score, Chance: ts.Chance, Images: ts.Images,
		Features: ts.Features, Copied: ts.Copied, Seconds: ts.Seconds}
	r.scores.mu.Lock()
	if r.scores.m == nil {
		r.scores.m = map[[2]string]experiment.TransferScore{}
	}
	r.scores.m[key] = s
	r.scores.mu.Unlock()
	return s, nil
}
