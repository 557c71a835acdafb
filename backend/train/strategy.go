package train

import (
	"fmt"
	"strconv"
	"strings"

	"transferlab/backend/nn"
)

// Strategy kinds.
const (
	Scratch     = "scratch"
	Finetune    = "finetune"
	Freeze      = "freeze"
	LinearProbe = "linear-probe"
	// GradualUnfreeze trains the head alone, then one more layer from the top every
	// Hyper.UnfreezeEvery epochs.
	GradualUnfreeze = "gradual-unfreeze"
	// LayerwiseLR trains every layer, each one down at Hyper.LayerLRDecay times the rate
	// of the one above.
	LayerwiseLR = "layerwise-lr"
)

// Strategy says where a run's weights start and which layers it trains.
type Strategy struct {
	Kind string
	K    int // freeze: the number of bottom parametric layers kept frozen
}

// ParseStrategy reads "scratch", "finetune", "freeze:K" or "linear-probe".
func ParseStrategy(s string) (Strategy, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	switch s {
	case Scratch, Finetune, LinearProbe, GradualUnfreeze, LayerwiseLR:
		return Strategy{Kind: s}, nil
	}
	if rest, ok := strings.CutPrefix(s, Freeze+":"); ok {
		k, err := strconv.Atoi(rest)
		if err != nil || k < 1 {
			return Strategy{}, fmt.Errorf("strategy %q: freeze:K wants a whole number of layers K >= 1, e.g. freeze:2", s)
		}
		return Strategy{Kind: Freeze, K: k}, nil
	}
	return Strategy{}, fmt.Errorf("unknown strategy %q: want scratch, finetune, freeze:K, linear-probe, gradual-unfreeze or layerwise-lr", s)
}

func (s Strategy) String() string {
	if s.Kind == Freeze {
		return fmt.Sprintf("%s:%d", Freeze, s.K)
	}
	return s.Kind
}

// UsesBase says whether the strategy starts from a base model's encoder.
func (s Strategy) UsesBase() bool { return s.Kind != Scratch }

// Trainable returns the set of layers the strategy updates.
func (s Strategy) Trainable(layers []nn.Layer) (map[string]bool, error) {
	frozen := 0
	switch s.Kind {
	case Scratch, Finetune, LayerwiseLR:
	case GradualUnfreeze:
		// Every layer gets a gradient; the loop holds back those not yet unfrozen.
		if len(layers) < 2 {
			return nil, fmt.Errorf("gradual-unfreeze needs layers below the head; this model has %d", len(layers))
		}
	case LinearProbe:
		frozen = len(layers) - 1
	case Freeze:
		if s.K >= len(layers) {
			return nil, fmt.Errorf("freeze:%d would freeze every layer (the model has %d, head included): use at most freeze:%d", s.K, len(layers), len(layers)-1)
		}
		frozen = s.K
	default:
		return nil, fmt.Errorf("unknown strategy %q", s.Kind)
	}
	out := map[string]bool{}
	for i, l := range layers {
		if i >= frozen {
			out[l.Name] = true
		}
	}
	return out, nil
}

// unfrozenFrom is the index of the lowest layer gradual unfreezing trains in epoch
// (0-based) of a model with n layers: the head alone at first, then one layer more
// from the top every `every` epochs.
func unfrozenFrom(n, epoch, every int) int {
	return max(n-1-epoch/max(every, 1), 0)
}

// layerLRMult is the learning-rate multiplier of layer i of n under layer-wise decay:
// the head 1, each layer down decay times the one above.
func layerLRMult(i, n int, decay float64) float64 {
	m := 1.0
	for range n - 1 - i {
		m *= decay
	}
	return m
}
