package train

import (
	"encoding/gob"
	"fmt"
	"io"
	"time"
)

// checkpointVersion changes whenever Checkpoint's meaning does.
const checkpointVersion = 1

// Checkpoint is everything a run needs to continue exactly where it was: weights,
// the starting weights (for drift), optimiser state, the shuffling RNG, counters and
// early-stopping state. Write and ReadCheckpoint store it.
type Checkpoint struct {
	Version  int
	Strategy string
	Hyper    Hyper
	Epoch    int
	Step     int
	Elapsed  time.Duration
	Params   map[string][]float32
	Init     map[string][]float32
	Optim    OptimState
	RNG      []byte
	BestLoss float64
	BestAcc  float64
	Stale    int
	History  []EvalMetrics
}

// Checkpoint snapshots the run (deep copies).
func (r *Run) Checkpoint() *Checkpoint {
	rng, _ := r.pcg.MarshalBinary()
	c := &Checkpoint{Version: checkpointVersion, Strategy: r.Strategy.String(), Hyper: r.Hyper,
		Epoch: r.epoch, Step: r.step, Elapsed: r.elapsed, Params: map[string][]float32{}, Init: map[string][]float32{},
		RNG: rng, BestLoss: r.bestLoss, BestAcc: r.bestAcc, Stale: r.stale,
		History: append([]EvalMetrics(nil), r.history...)}
	for _, p := range r.Model.Params {
		c.Params[p.Name] = append([]float32(nil), p.Data...)
		c.Init[p.Name] = append([]float32(nil), r.init[p.Name]...)
	}
	c.Optim.Steps = r.opt.state.Steps
	c.Optim.M = copyAll(r.opt.state.M)
	c.Optim.V = copyAll(r.opt.state.V)
	return c
}

func copyAll(xs [][]float32) [][]float32 {
	if xs == nil {
		return nil
	}
	out := make([][]float32, len(xs))
	for i, x := range xs {
		if x != nil {
			out[i] = append([]float32(nil), x...)
		}
	}
	return out
}

// Resume puts the run back in the checkpoint's state. The run must have been built
// with the same model architecture, strategy and hyperparameters.
func (r *Run) Resume(c *Checkpoint) error {
	if c.Version != checkpointVersion {
		return fmt.Errorf("checkpoint version %d, want %d", c.Version, checkpointVersion)
	}
	if c.Strategy != r.Strategy.String() || c.Hyper != r.Hyper {
		return fmt.Errorf("checkpoint is for strategy %s with other hyperparameters than this run (%s)", c.Strategy, r.Strategy)
	}
	for _, p := range r.Model.Params {
		src, ok := c.Params[p.Name]
		if !ok || len(src) != len(p.Data) || len(c.Init[p.Name]) != len(p.Data) {
			return fmt.Errorf("checkpoint has no matching tensor %s", p.Name)
		}
	}
	if len(c.Optim.M) != len(r.opt.state.M) {
		return fmt.Errorf("checkpoint optimiser state does not match this run")
	}
	for i, m := range r.opt.state.M {
		if len(c.Optim.M[i]) != len(m) || (r.opt.state.V != nil && len(c.Optim.V[i]) != len(m)) {
			return fmt.Errorf("checkpoint optimiser state does not match this run")
		}
	}
	if err := r.pcg.UnmarshalBinary(c.RNG); err != nil {
		return fmt.Errorf("checkpoint RNG: %w", err)
	}
	// Copy in place: the graphs read these very slices.
	for _, p := range r.Model.Params {
		copy(p.Data, c.Params[p.Name])
		r.init[p.Name] = append([]float32(nil), c.Init[p.Name]...)
	}
	r.opt.state.Steps = c.Optim.Steps
	for i := range r.opt.state.M {
		copy(r.opt.state.M[i], c.Optim.M[i])
		if r.opt.state.V != nil {
			copy(r.opt.state.V[i], c.Optim.V[i])
		}
	}
	r.epoch, r.step, r.elapsed = c.Epoch, c.Step, c.Elapsed
	r.bestLoss, r.bestAcc, r.stale = c.BestLoss, c.BestAcc, c.Stale
	r.history = append([]EvalMetrics(nil), c.History...)
	r.dropFeatures() // recomputed from the restored encoder on the next Train
	r.digest = nil
	return nil
}

// Write encodes the checkpoint.
func (c *Checkpoint) Write(w io.Writer) error { return gob.NewEncoder(w).Encode(c) }

// ReadCheckpoint decodes a checkpoint written by Write.
func ReadCheckpoint(r io.Reader) (*Checkpoint, error) {
	var c Checkpoint
	if err := gob.NewDecoder(r).Decode(&c); err != nil {
		return nil, fmt.Errorf("reading checkpoint: %w", err)
	}
	return &c, nil
}
