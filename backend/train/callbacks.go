package train

import "time"

// StepMetrics describe one training step.
type StepMetrics struct {
	Step          int           `json:"step"` // 1-based count of updates so far
	Epoch         int           `json:"epoch"`
	Loss          float64       `json:"train_loss"`
	Acc           float64       `json:"train_acc"`
	LR            float64       `json:"lr"`
	SamplesPerSec float64       `json:"samples_per_sec"`
	Samples       int           `json:"samples"`   // images in this step's batch (the last one of an epoch may be short)
	Wall          time.Duration `json:"wall_time"` // training time since the run began, resumes included
}

// EvalMetrics describe one evaluation on the validation set (once per epoch).
type EvalMetrics struct {
	Step  int                `json:"step"`
	Epoch int                `json:"epoch"`
	Loss  float64            `json:"val_loss"`
	Acc   float64            `json:"val_acc"`
	Drift map[string]float64 `json:"drift"` // per layer ||W-W0||/||W0||
	Wall  time.Duration      `json:"wall_time"`
}

// Callbacks receive a run's progress on the training goroutine; keep them quick.
// OnEpochEnd gets a checkpoint to store; returning an error stops the run with it.
type Callbacks interface {
	OnStep(StepMetrics)
	OnEval(EvalMetrics)
	OnEpochEnd(*Checkpoint) error
}

// Funcs adapts optional functions to Callbacks; nil fields are skipped.
type Funcs struct {
	Step     func(StepMetrics)
	Eval     func(EvalMetrics)
	EpochEnd func(*Checkpoint) error
}

// OnStep implements Callbacks.
func (f Funcs) OnStep(m StepMetrics) {
	if f.Step != nil {
		f.Step(m)
	}
}

// OnEval implements Callbacks.
func (f Funcs) OnEval(m EvalMetrics) {
	if f.Eval != nil {
		f.Eval(m)
	}
}

// OnEpochEnd implements Callbacks.
func (f Funcs) OnEpochEnd(c *Checkpoint) error {
	if f.EpochEnd != nil {
		return f.EpochEnd(c)
	}
	return nil
}
