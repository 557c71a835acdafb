package train

import (
	"context"

	"transferlab/backend/nn"
)

// maxCachedFloats bounds the frozen outputs a run keeps in memory (train and
// validation images together): 256 MB. Beyond it the frozen layers run at every step.
const maxCachedFloats = 1 << 26

// evalActivationFloats bounds what the evaluation graph's activations may take (128
// MB): a MobileNetV2 at 224 pixels needs about 6 million floats per image, so its eval
// batch is cut from the default 250 to what fits. Small models keep their batch.
const evalActivationFloats = 1 << 25

// inferenceBatch is the batch, at most want, that an inference-only graph of m runs
// within evalActivationFloats (never under 8).
func inferenceBatch(m *nn.Model, want int) int {
	return min(want, max(8, evalActivationFloats/m.ActivationSize()))
}

// frozenCut is the number of bottom layers whose output a run computes once per image
// and caches: every layer but the head for a linear probe, the frozen layers of
// freeze:K when no shift changes the images between epochs (a flip is cached as the
// mirrored images' features too: frozen_flip.go), the cut lies between blocks and the
// cache fits. 0 means no cache.
func frozenCut(m *nn.Model, s Strategy, h Hyper, images int) int {
	cut := 0
	switch {
	case s.Kind == LinearProbe:
		return len(m.Layers) - 1
	case s.Kind == Freeze && h.Shift == 0:
		cut = s.K
	}
	if cut <= 0 || !nn.CanStartAt(m.Layers, cut) || images*nn.InputSize(m.Layers, cut) > maxCachedFloats {
		return 0
	}
	return cut
}

// featureSet shows cached frozen outputs as a dataset of (1, 1, size) "images": the
// rows are already in the graph's NHWC order, which a one-channel image keeps.
type featureSet struct {
	x       []float32
	y       []int
	size    int
	classes int
}

func (f *featureSet) Len() int             { return len(f.y) }
func (f *featureSet) Shape() (c, h, w int) { return 1, 1, f.size }
func (f *featureSet) NumClasses() int      { return f.classes }
func (f *featureSet) Fill(idx []int, x []float32, y []int) {
	for i, j := range idx {
		copy(x[i*f.size:(i+1)*f.size], f.x[j*f.size:(j+1)*f.size])
		y[i] = f.y[j]
	}
}

// cacheFeatures runs the frozen layers once over ds.
func (r *Run) cacheFeatures(ctx context.Context, ds Dataset) (*featureSet, error) {
	f := nn.InputSize(r.Model.Layers, r.cut)
	fs := &featureSet{x: make([]float32, ds.Len()*f), y: make([]int, ds.Len()), size: f, classes: ds.NumClasses()}
	err := r.forEachBatch(ctx, r.featG, ds, func(lo int, labels []int) {
		copy(fs.x[lo*f:(lo+len(labels))*f], r.featG.Output()[:len(labels)*f])
		copy(fs.y[lo:], labels)
	})
	return fs, err
}
