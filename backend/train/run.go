package train

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"transferlab/backend/nn"
)

// Run is one training run: a model, a strategy, hyperparameters and data, with the
// graphs built once and reused for every step.
type Run struct {
	Model    *nn.Model
	Strategy Strategy
	Hyper    Hyper

	trainSet, valSet Dataset
	trainG, evalG    *nn.Graph
	featG            *nn.Graph   // the frozen layers below cut, run once per image
	topG             *nn.Graph   // evaluation of the layers above cut, on cached outputs
	cut              int         // layers whose output is cached; 0: none (see frozenCut)
	feats, valFeats  *featureSet // the cached outputs of the training and validation images
	releases         []func()    // lets go of feats and valFeats where other runs share them
	digest           *[32]byte   // the frozen layers' identity, once asked (frozenDigest)
	mirrorFeats      *featureSet // with the flip setting, of the training images mirrored
	opt              *optimizer
	params           [][]float32 // what the optimiser updates, parallel to trainG.Params()
	lrMult           []float64
	paramLayer       []int // the layer index of each of params, for gradual unfreezing
	pcg              *rand.PCG
	rng              *rand.Rand
	init             map[string][]float32 // weights at the start, for drift

	step, epoch int
	elapsed     time.Duration
	bestLoss    float64
	bestAcc     float64
	stale       int
	history     []EvalMetrics

	xbuf, tmp []float32
	ybuf      []int
}

// NewModel makes the starting model of a run: for scratch, fresh weights of arch;
// otherwise base's encoder copied with transfer initialisation. base may be nil for
// scratch; arch may be empty when base is given. The seed fixes every random weight,
// so the arms of an experiment share their head initialisation.
func NewModel(arch string, base *nn.Model, s Strategy, in nn.Input, classes []string, seed uint64) (*nn.Model, nn.TransferReport, error) {
	if arch == "" && base != nil {
		arch = base.Arch
	}
	if !s.UsesBase() {
		m, err := nn.New(arch, in, classes, seed)
		if err != nil {
			return nil, nn.TransferReport{}, err
		}
		var rep nn.TransferReport
		for _, l := range m.Layers {
			rep.Layers = append(rep.Layers, nn.LayerTransfer{Layer: l.Name, Action: nn.Reinitialised, Reason: "training from scratch"})
		}
		return m, rep, nil
	}
	if base == nil {
		return nil, nn.TransferReport{}, fmt.Errorf("strategy %s needs a base model", s)
	}
	if arch != base.Arch {
		return nil, nn.TransferReport{}, fmt.Errorf("architecture %s differs from the base model's %s", arch, base.Arch)
	}
	return nn.NewFromBase(base, in, classes, seed)
}

// NewRun prepares a run of m on trainSet, validating on valSet (which may be nil).
// It builds the training and evaluation graphs once; Close releases them.
func NewRun(m *nn.Model, s Strategy, h Hyper, trainSet, valSet Dataset) (*Run, error) {
	if err := h.Normalize(); err != nil {
		return nil, err
	}
	for _, ds := range []Dataset{trainSet, valSet} {
		if ds == nil {
			continue
		}
		if c, hh, w := ds.Shape(); c != m.Input.Channels || hh != m.Input.Height || w != m.Input.Width {
			return nil, fmt.Errorf("images are %dx%dx%d but the model takes %s", c, hh, w, m.Input)
		}
		if ds.NumClasses() != len(m.Classes) {
			return nil, fmt.Errorf("data has %d classes but the model has %d", ds.NumClasses(), len(m.Classes))
		}
	}
	if trainSet == nil || trainSet.Len() == 0 {
		return nil, errors.New("the training set is empty")
	}
	trainable, err := s.Trainable(m.Layers)
	if err != nil {
		return nil, err
	}
	r := &Run{Model: m, Strategy: s, Hyper: h, trainSet: trainSet, valSet: valSet, bestLoss: inf}
	r.pcg = rand.NewPCG(h.Seed, 0x73687566)
	r.rng = rand.New(r.pcg)
	images := trainSet.Len()
	if valSet != nil {
		images += valSet.Len()
	}
	if h.HFlip {
		images += trainSet.Len() // their mirrored features too
	}
	r.cut = frozenCut(m, s, h, images)
	evalBatch := inferenceBatch(m, h.EvalBatch)
	if r.cut > 0 {
		if r.featG, err = nn.NewGraph(m, nn.GraphOptions{Batch: evalBatch, To: r.cut}); err == nil {
			r.topG, err = nn.NewGraph(m, nn.GraphOptions{Batch: h.EvalBatch, From: r.cut})
		}
		if err == nil {
			r.trainG, err = nn.NewGraph(m, nn.GraphOptions{Batch: h.BatchSize, From: r.cut, Trainable: trainable})
		}
	} else {
		r.trainG, err = nn.NewGraph(m, nn.GraphOptions{Batch: h.BatchSize, Trainable: trainable})
	}
	if err != nil {
		r.Close()
		return nil, err
	}
	if r.evalG, err = nn.NewGraph(m, nn.GraphOptions{Batch: evalBatch}); err != nil {
		r.Close()
		return nil, err
	}
	sizes := make([]int, len(r.trainG.Params()))
	for i, p := range r.trainG.Params() {
		r.params = append(r.params, p.Data)
		mult := 1.0
		if p.Layer == nn.HeadName {
			mult = h.HeadLRMult
		}
		if s.Kind == LayerwiseLR {
			mult *= layerLRMult(layerIndex(m.Layers, p.Layer), len(m.Layers), h.LayerLRDecay)
		}
		r.lrMult = append(r.lrMult, mult)
		r.paramLayer = append(r.paramLayer, layerIndex(m.Layers, p.Layer))
		if r.trainG.Grads()[i] != nil {
			sizes[i] = len(p.Data)
		}
	}
	r.opt = newOptimizer(h, sizes)
	r.init = map[string][]float32{}
	for _, p := range m.Params {
		r.init[p.Name] = append([]float32(nil), p.Data...)
	}
	c, hh, w := trainSet.Shape()
	size := c * hh * w
	if r.cut > 0 {
		size = max(size, nn.InputSize(m.Layers, r.cut))
	}
	r.xbuf = make([]float32, max(h.BatchSize, h.EvalBatch)*size)
	r.tmp = make([]float32, c*hh*w)
	r.ybuf = make([]int, max(h.BatchSize, h.EvalBatch))
	return r, nil
}

// Close releases the run's graphs and its hold on shared frozen outputs.
func (r *Run) Close() {
	r.dropFeatures()
	for _, g := range []*nn.Graph{r.trainG, r.evalG, r.featG, r.topG} {
		if g != nil {
			g.Close()
		}
	}
}

// Step is the number of updates done so far.
func (r *Run) Step() int { return r.step }

// Epoch is the number of epochs done so far.
func (r *Run) Epoch() int { return r.epoch }

// StepsPerEpoch is the number of updates in one epoch, the tail batch included.
func (r *Run) StepsPerEpoch() int {
	return (r.trainSet.Len() + r.Hyper.BatchSize - 1) / r.Hyper.BatchSize
}

// Drift is each layer's ||W-W0||/||W0|| against the weights the run started from.
func (r *Run) Drift() map[string]float64 {
	out := map[string]float64{}
	for _, p := range r.Model.Params {
		if p.Name != p.Layer+".weight" {
			continue
		}
		var d, n float64
		for i, v := range p.Data {
			w0 := float64(r.init[p.Name][i])
			d += (float64(v) - w0) * (float64(v) - w0)
			n += w0 * w0
		}
		if n > 0 {
			out[p.Layer] = sqrt(d / n)
		}
	}
	return out
}

func layerIndex(layers []nn.Layer, name string) int {
	for i, l := range layers {
		if l.Name == name {
			return i
		}
	}
	return -1
}
