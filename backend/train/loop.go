package train

import (
	"context"
	"fmt"
	"math"
	"time"
)

var inf = math.Inf(1)

func sqrt(x float64) float64 { return math.Sqrt(x) }

// Result summarises a finished run.
type Result struct {
	Steps        int           `json:"steps"`
	Epochs       int           `json:"epochs"`
	FinalValLoss float64       `json:"final_val_loss"`
	FinalValAcc  float64       `json:"final_val_acc"`
	BestValLoss  float64       `json:"best_val_loss"`
	BestValAcc   float64       `json:"best_val_acc"`
	StoppedEarly bool          `json:"stopped_early"`
	History      []EvalMetrics `json:"history"`
	Wall         time.Duration `json:"wall_time"`
}

// NaNError reports a loss or gradient that stopped being a finite number.
type NaNError struct {
	Step int
	What string
	LR   float64
}

func (e *NaNError) Error() string {
	return fmt.Sprintf("step %d: %s is not a finite number (learning rate %g): the training diverged; try a lower learning rate or gradient clipping", e.Step, e.What, e.LR)
}

// Train runs the remaining epochs. ctx is checked before every step; a cancelled run
// returns ctx's error with the run left at its last completed step.
func (r *Run) Train(ctx context.Context, cb Callbacks) (Result, error) {
	if cb == nil {
		cb = Funcs{}
	}
	h := r.Hyper
	if err := r.Prepare(ctx); err != nil {
		return r.result(false), err
	}
	n := r.trainSet.Len()
	spe := r.StepsPerEpoch()
	total := spe * h.Epochs
	for r.epoch < h.Epochs {
		perm := r.rng.Perm(n)
		for i := 0; i < n; i += h.BatchSize {
			if err := ctx.Err(); err != nil {
				return r.result(false), err
			}
			t0 := time.Now()
			idx := perm[i:min(i+h.BatchSize, n)]
			lr := learningRate(h, r.step, spe, total)
			loss, acc, err := r.trainStep(idx, lr)
			if err != nil {
				return r.result(false), err
			}
			dt := time.Since(t0)
			r.elapsed += dt
			r.step++
			cb.OnStep(StepMetrics{Step: r.step, Epoch: r.epoch + 1, Loss: loss, Acc: acc, LR: lr,
				SamplesPerSec: float64(len(idx)) / dt.Seconds(), Samples: len(idx), Wall: r.elapsed})
			// Extra validation points inside an epoch give short runs a curve worth the
			// name; the epoch's last step is validated below anyway.
			if h.EvalEvery > 0 && r.step%h.EvalEvery == 0 && i+h.BatchSize < n && r.valSet != nil {
				t0 := time.Now()
				vloss, vacc, err := r.evaluate(r.valSet)
				if err != nil {
					return r.result(false), err
				}
				r.elapsed += time.Since(t0)
				r.bestAcc = max(r.bestAcc, vacc)
				cb.OnEval(EvalMetrics{Step: r.step, Epoch: r.epoch, Loss: vloss, Acc: vacc, Drift: r.Drift(), Wall: r.elapsed})
			}
		}
		r.epoch++
		stop := false
		if r.valSet != nil {
			t0 := time.Now()
			loss, acc, err := r.evaluate(r.valSet)
			if err != nil {
				return r.result(false), err
			}
			r.elapsed += time.Since(t0)
			em := EvalMetrics{Step: r.step, Epoch: r.epoch, Loss: loss, Acc: acc, Drift: r.Drift(), Wall: r.elapsed}
			r.history = append(r.history, em)
			r.bestAcc = max(r.bestAcc, acc)
			if loss < r.bestLoss {
				r.bestLoss, r.stale = loss, 0
			} else {
				r.stale++
			}
			cb.OnEval(em)
			stop = h.Patience > 0 && r.stale >= h.Patience
		}
		if err := cb.OnEpochEnd(r.Checkpoint()); err != nil {
			return r.result(false), err
		}
		if stop {
			return r.result(true), nil
		}
	}
	return r.result(false), nil
}

func (r *Run) result(early bool) Result {
	res := Result{Steps: r.step, Epochs: r.epoch, BestValLoss: r.bestLoss, BestValAcc: r.bestAcc,
		StoppedEarly: early, History: append([]EvalMetrics(nil), r.history...), Wall: r.elapsed}
	if math.IsInf(res.BestValLoss, 0) {
		res.BestValLoss = 0
	}
	if len(r.history) > 0 {
		last := r.history[len(r.history)-1]
		res.FinalValLoss, res.FinalValAcc = last.Loss, last.Acc
	}
	return res
}

// trainStep runs forward and backward on one batch and applies the update.
func (r *Run) trainStep(idx []int, lr float64) (loss, acc float64, err error) {
	g := r.trainG
	labels := r.ybuf[:len(idx)]
	if r.feats != nil {
		r.feats.Fill(idx, g.Input(), labels)
	} else {
		c, h, w := r.trainSet.Shape()
		sz := c * h * w
		r.trainSet.Fill(idx, r.xbuf[:len(idx)*sz], labels)
		if r.Hyper.Shift > 0 || r.Hyper.HFlip {
			for i := range idx {
				augment(r.xbuf[i*sz:(i+1)*sz], r.tmp, c, h, w, r.Hyper.Shift, r.Hyper.HFlip, r.rng)
			}
		}
		toNHWC(r.xbuf, g.Input(), len(idx), c, h, w)
	}
	g.SetTargets(labels)
	if err := g.Run(); err != nil {
		return 0, 0, fmt.Errorf("step %d: %w", r.step+1, err)
	}
	loss = float64(g.Loss())
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return 0, 0, &NaNError{Step: r.step + 1, What: "the training loss", LR: lr}
	}
	grads := r.heldBack(g.Grads())
	norm := clipGrads(grads, r.Hyper.ClipNorm)
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return 0, 0, &NaNError{Step: r.step + 1, What: "the gradient norm", LR: lr}
	}
	lrs := make([]float64, len(r.lrMult))
	for i, m := range r.lrMult {
		lrs[i] = lr * m
	}
	r.opt.step(r.params, grads, lrs)
	return loss, accuracy(g.Probs(), labels, g.Classes), nil
}

func accuracy(probs []float32, labels []int, k int) float64 {
	correct := 0
	for i, y := range labels {
		if argmax(probs[i*k:(i+1)*k]) == y {
			correct++
		}
	}
	return float64(correct) / float64(len(labels))
}

func argmax(p []float32) int {
	best := 0
	for j, v := range p {
		if v > p[best] {
			best = j
		}
	}
	return best
}

func (r *Run) forEachBatch(ctx context.Context, g batchGraph, ds Dataset, fn func(lo int, labels []int)) error {
	return forEachBatch(ctx, g, ds, r.xbuf, r.ybuf, fn)
}

// heldBack drops the gradients of the layers gradual unfreezing has not reached yet
// this epoch: a nil gradient leaves its weights and optimiser state untouched, so
// those layers stay bit-identical to the base model until their epoch comes.
func (r *Run) heldBack(grads [][]float32) [][]float32 {
	if r.Strategy.Kind != GradualUnfreeze {
		return grads
	}
	from := unfrozenFrom(len(r.Model.Layers), r.epoch, r.Hyper.UnfreezeEvery)
	out := make([][]float32, len(grads))
	for i, g := range grads {
		if r.paramLayer[i] >= from {
			out[i] = g
		}
	}
	return out
}
