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
	case Scratch, Finetune, LinearProbe:
		return Strategy{Kind: s}, nil
	}
	if rest, ok := strings.CutPrefix(s, Freeze+":"); ok {
		k, err := strconv.Atoi(rest)
		if err != nil || k < 1 {
			return Strategy{}, fmt.Errorf("strategy %q: freeze:K wants a whole number of layers K >= 1, e.g. freeze:2", s)
		}
		return Strategy{Kind: Freeze, K: k}, nil
	}
	return Strategy{}, fmt.Errorf("unknown strategy %q: want scratch, finetune, freeze:K or linear-probe", s)
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
	case Scratch, Finetune:
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
