package jobs

import (
	"context"
	"io"
	"sort"
	"sync"

	"transferlab/backend/data"
	"transferlab/backend/experiment"
	"transferlab/backend/nn"
	"transferlab/backend/train"
)

// predictors keeps a built graph per model: building one costs far more than a
// prediction. Models are immutable, so an entry never goes stale.
type predictors struct {
	mu sync.Mutex
	m  map[string]cachedPredictor
}

type cachedPredictor struct {
	p     *train.Predictor
	model *nn.Model
}

// maxPredictors bounds the cache; when full it is emptied rather than tracking use,
// which is rare and cheap to recover from.
const maxPredictors = 16

// Predict classifies one uploaded image with model id and returns the top k classes.
func (r *Runner) Predict(ctx context.Context, id string, img io.Reader, k int) ([]experiment.Prediction, error) {
	cp, err := r.predictor(ctx, id)
	if err != nil {
		return nil, err
	}
	in, classes := cp.model.Input, cp.model.Classes
	x, err := data.DecodeForModel(img, in.Channels, in.Height, in.Width, data.DefaultLimits().MaxPixels)
	if err != nil {
		return nil, err
	}
	probs, err := cp.p.Predict(x)
	if err != nil {
		return nil, err
	}
	out := make([]experiment.Prediction, len(probs))
	for i, pr := range probs {
		out[i] = experiment.Prediction{Class: classes[i], Prob: pr}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Prob > out[j].Prob })
	return out[:min(k, len(out))], nil
}

func (r *Runner) predictor(ctx context.Context, id string) (cachedPredictor, error) {
	r.preds.mu.Lock()
	defer r.preds.mu.Unlock()
	if cp, ok := r.preds.m[id]; ok {
		return cp, nil
	}
	if r.preds.m == nil || len(r.preds.m) >= maxPredictors {
		for _, cp := range r.preds.m {
			cp.p.Close()
		}
		r.preds.m = map[string]cachedPredictor{}
	}
	m, err := r.loadModel(ctx, id)
	if err != nil {
		return cachedPredictor{}, err
	}
	p, err := train.NewPredictor(m)
	if err != nil {
		return cachedPredictor{}, err
	}
	cp := cachedPredictor{p: p, model: m}
	r.preds.m[id] = cp
	return cp, nil
}
