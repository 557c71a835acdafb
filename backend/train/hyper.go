package train

import (
	"errors"
	"fmt"
)

// Hyper holds a run's hyperparameters. Zero values mean the defaults of DefaultHyper
// after Normalize.
type Hyper struct {
	Epochs      int     `json:"epochs"`
	BatchSize   int     `json:"batch_size"`
	Optimizer   string  `json:"optimizer"` // "sgd" (with momentum) or "adam"
	LR          float64 `json:"lr"`
	Momentum    float64 `json:"momentum"`     // sgd
	Beta1       float64 `json:"beta1"`        // adam
	Beta2       float64 `json:"beta2"`        // adam
	Eps         float64 `json:"eps"`          // adam
	WeightDecay float64 `json:"weight_decay"` // L2, added to the gradient as PyTorch does
	HeadLRMult  float64 `json:"head_lr_mult"` // the head's learning rate is LR times this (0 means 1)
	Schedule    string  `json:"schedule"`     // constant, step or cosine
	StepEpochs  int     `json:"step_epochs"`  // step: decay every this many epochs
	Gamma       float64 `json:"gamma"`        // step: multiply by this
	WarmupSteps int     `json:"warmup_steps"` // linear warm-up from 0
	ClipNorm    float64 `json:"clip_norm"`    // global gradient-norm clip; 0 off
	Patience    int     `json:"patience"`     // early stopping after this many epochs without a better val loss; 0 off
	Shift       int     `json:"shift"`        // augmentation: random shift up to this many pixels
	HFlip       bool    `json:"hflip"`        // augmentation: random horizontal flip
	Seed        uint64  `json:"seed"`
	EvalBatch   int     `json:"eval_batch"`
	EvalEvery   int     `json:"eval_every"` // also validate every this many steps; 0: once per epoch
	// UnfreezeEvery is gradual unfreezing's pace: one more layer every this many epochs (0 means 1).
	UnfreezeEvery int `json:"unfreeze_every"`
	// LayerLRDecay is layer-wise decay's factor per layer down (0 means 0.5).
	LayerLRDecay float64 `json:"layer_lr_decay"`
}

// DefaultHyper is the standard transfer task's setting: SGD momentum 0.9, lr 0.01,
// batch 32, 10 epochs.
func DefaultHyper() Hyper {
	return Hyper{Epochs: 10, BatchSize: 32, Optimizer: "sgd", LR: 0.01, Momentum: 0.9,
		Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, HeadLRMult: 1, Schedule: "constant", Gamma: 0.1, EvalBatch: 250}
}

// Normalize fills zero fields with defaults and validates the result.
func (h *Hyper) Normalize() error {
	d := DefaultHyper()
	if h.Epochs == 0 {
		h.Epochs = d.Epochs
	}
	if h.BatchSize == 0 {
		h.BatchSize = d.BatchSize
	}
	if h.Optimizer == "" {
		h.Optimizer = d.Optimizer
	}
	if h.LR == 0 {
		h.LR = d.LR
	}
	if h.Beta1 == 0 {
		h.Beta1 = d.Beta1
	}
	if h.Beta2 == 0 {
		h.Beta2 = d.Beta2
	}
	if h.Eps == 0 {
		h.Eps = d.Eps
	}
	if h.HeadLRMult == 0 {
		h.HeadLRMult = 1
	}
	if h.Schedule == "" {
		h.Schedule = d.Schedule
	}
	if h.Gamma == 0 {
		h.Gamma = d.Gamma
	}
	if h.UnfreezeEvery == 0 {
		h.UnfreezeEvery = 1
	}
	if h.LayerLRDecay == 0 {
		h.LayerLRDecay = 0.5
	}
	if h.EvalBatch == 0 {
		h.EvalBatch = d.EvalBatch
	}
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(h.Epochs >= 1 && h.Epochs <= 1000, "epochs %d: want 1-1000", h.Epochs)
	check(h.BatchSize >= 1 && h.BatchSize <= 4096, "batch_size %d: want 1-4096", h.BatchSize)
	check(h.Optimizer == "sgd" || h.Optimizer == "adam", "optimizer %q: want sgd or adam", h.Optimizer)
	check(h.LR > 0 && h.LR <= 10, "lr %g: want > 0 and <= 10", h.LR)
	check(h.Momentum >= 0 && h.Momentum < 1, "momentum %g: want 0 <= momentum < 1", h.Momentum)
	check(h.Beta1 >= 0 && h.Beta1 < 1 && h.Beta2 >= 0 && h.Beta2 < 1, "adam betas must be in [0,1)")
	check(h.WeightDecay >= 0, "weight_decay %g: want >= 0", h.WeightDecay)
	check(h.HeadLRMult > 0, "head_lr_mult %g: want > 0", h.HeadLRMult)
	check(h.Schedule == "constant" || h.Schedule == "step" || h.Schedule == "cosine", "schedule %q: want constant, step or cosine", h.Schedule)
	check(h.Schedule != "step" || h.StepEpochs >= 1, "schedule step needs step_epochs >= 1")
	check(h.WarmupSteps >= 0 && h.ClipNorm >= 0 && h.Patience >= 0, "warmup_steps, clip_norm and patience must not be negative")
	check(h.Shift >= 0 && h.Shift <= 8, "shift %d: want 0-8 pixels", h.Shift)
	check(h.EvalBatch >= 1 && h.EvalBatch <= 4096, "eval_batch %d: want 1-4096", h.EvalBatch)
	check(h.UnfreezeEvery >= 1, "unfreeze_every %d: want a whole number of epochs >= 1", h.UnfreezeEvery)
	check(h.LayerLRDecay > 0 && h.LayerLRDecay <= 1, "layer_lr_decay %g: want > 0 and <= 1", h.LayerLRDecay)
	check(h.EvalEvery >= 0, "eval_every %d: want 0 (once per epoch) or a number of steps", h.EvalEvery)
	return errors.Join(errs...)
}
