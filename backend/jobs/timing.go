package jobs

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"transferlab/backend/experiment"
	"transferlab/backend/nn"
)

// Timing batches: small, so measuring every size of the ImageNet backbone takes
// seconds and little memory, and enough steps after a warm-up one to average out.
const (
	timingInferBatch = 4
	timingTrainBatch = 2
	timingSteps      = 2
)

// TimingMethod says how the speeds were measured, for the page to show.
const TimingMethod = "measured on this server: the fastest of 2 batches of 4 images through the frozen network, and of 2 training steps of 2 images with every layer trained, after one warm-up each"

// timings caches each model's measured speed per input size: the machine does not
// change while the process runs, and measuring costs seconds. mu also keeps two
// measurements from running at once and slowing each other.
type timings struct {
	mu   sync.Mutex
	done map[string]experiment.SizeTiming // by model id and size
}

// ModelTiming measures (or recalls) the base model's speed at each size.
func (r *Runner) ModelTiming(ctx context.Context, modelID string, sizes []int) (experiment.ModelTiming, error) {
	out := experiment.ModelTiming{ModelID: modelID, Method: TimingMethod, Sizes: []experiment.SizeTiming{}}
	r.timings.mu.Lock()
	defer r.timings.mu.Unlock()
	if r.timings.done == nil {
		r.timings.done = map[string]experiment.SizeTiming{}
	}
	var base *nn.Model
	for _, size := range sizes {
		key := fmt.Sprintf("%s@%d", modelID, size)
		if t, ok := r.timings.done[key]; ok {
			t.Cached = true
			out.Sizes = append(out.Sizes, t)
			continue
		}
		if base == nil {
			var err error
			if base, err = r.loadModel(ctx, modelID); err != nil {
				return out, err
			}
		}
		t, err := measureSize(ctx, base, size)
		if err != nil {
			return out, fmt.Errorf("timing %s at %d pixels: %w", modelID, size, err)
		}
		r.timings.done[key] = t
		out.Sizes = append(out.Sizes, t)
	}
	return out, nil
}

// measureSize times the model at size pixels a side with a new two-class head: what
// every arm trains (the head is tiny next to the backbone).
func measureSize(ctx context.Context, base *nn.Model, size int) (experiment.SizeTiming, error) {
	t0 := time.Now()
	in := base.Input
	in.Height, in.Width = size, size
	m, _, err := nn.NewFromBase(base, in, []string{"a", "b"}, 1)
	if err != nil {
		return experiment.SizeTiming{}, err
	}
	all := map[string]bool{}
	for _, l := range m.Layers {
		all[l.Name] = true
	}
	rate := func(opt nn.GraphOptions) (float64, error) {
		g, err := nn.NewGraph(m, opt)
		if err != nil {
			return 0, err
		}
		defer g.Close()
		for i := range g.Input() { // any image will do: the work does not depend on it
			g.Input()[i] = float32(i%255) / 255
		}
		g.SetTargets(make([]int, opt.Batch))
		// The fastest of the timed batches: the others were slowed by whatever else ran.
		fastest := time.Duration(math.MaxInt64)
		for step := range timingSteps + 1 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
			t0 := time.Now()
			if err := g.Run(); err != nil {
				return 0, err
			}
			if step > 0 { // the first warms the caches up
				fastest = min(fastest, time.Since(t0))
			}
		}
		return float64(opt.Batch) / fastest.Seconds(), nil
	}
	t := experiment.SizeTiming{Size: size}
	if t.InferencePerSec, err = rate(nn.GraphOptions{Batch: timingInferBatch}); err != nil {
		return t, err
	}
	if t.TrainPerSec, err = rate(nn.GraphOptions{Batch: timingTrainBatch, Trainable: all}); err != nil {
		return t, err
	}
	t.Seconds = time.Since(t0).Seconds()
	return t, nil
}
