package jobs

import (
	"fmt"
	"strconv"
	"strings"
)

// Hyper is an experiment's shared training settings; an arm may override any of them.
type Hyper struct {
	Epochs       int     `json:"epochs"`
	BatchSize    int     `json:"batch_size"`
	Optimizer    string  `json:"optimizer"`
	LR           float64 `json:"lr"`
	Momentum     float64 `json:"momentum"`
	WeightDecay  float64 `json:"weight_decay"`
	Schedule     string  `json:"schedule"`
	WarmupEpochs float64 `json:"warmup_epochs"`
	Seed         int64   `json:"seed"`
	HeadLRMult   float64 `json:"head_lr_mult"`
	AugShift     int     `json:"aug_shift"`
	AugFlip      bool    `json:"aug_flip"`
	EvalEvery    int     `json:"eval_every"`
	ClipNorm     float64 `json:"clip_norm"`
	EarlyStop    int     `json:"early_stop"`
	TargetAcc    float64 `json:"target_acc"`
	// ValLimit caps the validation images scored for the live curves (a seeded,
	// stratified-enough sample); 0 scores them all. The final test evaluation always
	// uses the whole test split.
	ValLimit int `json:"val_limit"`
}

// DefaultHyper is the standard transfer task's schedule: small learning rate, few epochs.
func DefaultHyper() Hyper {
	return Hyper{Epochs: 10, BatchSize: 32, Optimizer: "sgd", LR: 0.01, Momentum: 0.9,
		Schedule: "constant", Seed: 1, HeadLRMult: 1, ValLimit: 1000}
}

// Validate names the first setting out of range and what would be valid.
func (h Hyper) Validate() error {
	switch {
	case h.Epochs < 1 || h.Epochs > 500:
		return fmt.Errorf("epochs must be between 1 and 500, got %d", h.Epochs)
	case h.BatchSize < 1 || h.BatchSize > 1024:
		return fmt.Errorf("batch_size must be between 1 and 1024, got %d", h.BatchSize)
	case h.Optimizer != "sgd" && h.Optimizer != "adam":
		return fmt.Errorf("optimizer must be sgd or adam, got %q", h.Optimizer)
	case !(h.LR > 0 && h.LR <= 10):
		return fmt.Errorf("lr must be above 0 and at most 10, got %v", h.LR)
	case h.Momentum < 0 || h.Momentum >= 1:
		return fmt.Errorf("momentum must be in [0, 1), got %v", h.Momentum)
	case h.WeightDecay < 0 || h.WeightDecay > 1:
		return fmt.Errorf("weight_decay must be in [0, 1], got %v", h.WeightDecay)
	case h.Schedule != "constant" && h.Schedule != "step" && h.Schedule != "cosine":
		return fmt.Errorf("schedule must be constant, step or cosine, got %q", h.Schedule)
	case h.WarmupEpochs < 0 || h.WarmupEpochs > float64(h.Epochs):
		return fmt.Errorf("warmup_epochs must be between 0 and epochs, got %v", h.WarmupEpochs)
	case h.HeadLRMult < 0 || h.HeadLRMult > 1000:
		return fmt.Errorf("head_lr_mult must be between 0 and 1000, got %v", h.HeadLRMult)
	case h.AugShift < 0 || h.AugShift > 8:
		return fmt.Errorf("aug_shift must be between 0 and 8 pixels, got %d", h.AugShift)
	case h.EvalEvery < 0:
		return fmt.Errorf("eval_every must be 0 (every epoch) or a number of steps, got %d", h.EvalEvery)
	case h.ClipNorm < 0:
		return fmt.Errorf("clip_norm must be 0 (off) or positive, got %v", h.ClipNorm)
	case h.ValLimit < 0:
		return fmt.Errorf("val_limit must be 0 (all) or a number of images, got %d", h.ValLimit)
	case h.TargetAcc < 0 || h.TargetAcc > 1:
		return fmt.Errorf("target_acc must be a fraction between 0 and 1, got %v", h.TargetAcc)
	}
	return nil
}

// ValidStrategy checks a strategy name: scratch, finetune, linear-probe or freeze:K.
func ValidStrategy(s string) error {
	switch s {
	case "scratch", "finetune", "linear-probe":
		return nil
	}
	if k, ok := strings.CutPrefix(s, "freeze:"); ok {
		if n, err := strconv.Atoi(k); err == nil && n >= 1 {
			return nil
		}
	}
	return fmt.Errorf("strategy %q is not one of scratch, finetune, freeze:K (K >= 1 layers), linear-probe", s)
}
