package experiment

import (
	"fmt"
	"strconv"
	"strings"
)

// StrategyKind is how an arm starts and which layers it trains.
type StrategyKind string

// Strategy kinds.
const (
	Scratch     StrategyKind = "scratch"
	Finetune    StrategyKind = "finetune"
	Freeze      StrategyKind = "freeze"
	LinearProbe StrategyKind = "linear-probe"
	// GradualUnfreeze trains the head first, then unfreezes one layer more from the top
	// every unfreeze_every epochs (ULMFiT's gradual unfreezing).
	GradualUnfreeze StrategyKind = "gradual-unfreeze"
	// LayerwiseLR trains every layer, each layer down at layer_lr_decay times the rate
	// of the one above it (layer-wise learning-rate decay).
	LayerwiseLR StrategyKind = "layerwise-lr"
)

// StrategyInfo describes a strategy for people and for the web app: whether it needs a
// base model and whether it takes a number of layers (freeze:K).
type StrategyInfo struct {
	Kind     StrategyKind `json:"kind"`
	Label    string       `json:"label"`
	Help     string       `json:"help"`
	UsesBase bool         `json:"uses_base"`
	// TakesK says the strategy is written kind:K with K from 1 to the model's layers
	// minus one (the head always trains).
	TakesK bool `json:"takes_k"`
}

// Strategies lists every strategy, in the order the web app offers them.
var Strategies = []StrategyInfo{
	{Kind: Finetune, Label: "Fine-tune", UsesBase: true,
		Help: "Start from the base model's encoder with a new head and train every layer."},
	{Kind: Freeze, Label: "Freeze bottom layers", UsesBase: true, TakesK: true,
		Help: "Keep the bottom K layers' pretrained weights fixed and train the rest."},
	{Kind: LinearProbe, Label: "Linear probe", UsesBase: true,
		Help: "Train only the new head on frozen features: the cheapest transfer."},
	{Kind: GradualUnfreeze, Label: "Gradual unfreezing", UsesBase: true,
		Help: "Train the new head alone first, then unfreeze one layer more from the top every few epochs (the Unfreeze every setting), so the new head settles before it pulls on the pretrained layers."},
	{Kind: LayerwiseLR, Label: "Layer-wise learning rates", UsesBase: true,
		Help: "Train every layer, but each layer down learns at the rate of the one above times the Layer-wise decay setting: the general bottom layers change least."},
	{Kind: Scratch, Label: "From scratch", UsesBase: false,
		Help: "Random weights: the baseline the others are measured against."},
}

// Strategy is one arm's strategy, parsed.
type Strategy struct {
	Kind StrategyKind
	K    int // freeze: the number of bottom layers kept frozen
}

func (k StrategyKind) info() (StrategyInfo, bool) {
	for _, s := range Strategies {
		if s.Kind == k {
			return s, true
		}
	}
	return StrategyInfo{}, false
}

func strategyNames() string {
	names := make([]string, len(Strategies))
	for i, s := range Strategies {
		names[i] = string(s.Kind)
		if s.TakesK {
			names[i] += ":K"
		}
	}
	return strings.Join(names, ", ")
}

// ParseStrategy reads "scratch", "finetune", "freeze:K" or "linear-probe".
func ParseStrategy(s string) (Strategy, error) {
	kind, k, hasK := strings.Cut(s, ":")
	info, ok := StrategyKind(kind).info()
	if !ok {
		return Strategy{}, fmt.Errorf("strategy %q is not one of %s", s, strategyNames())
	}
	if !info.TakesK {
		if hasK {
			return Strategy{}, fmt.Errorf("strategy %q takes no number: send %q", s, kind)
		}
		return Strategy{Kind: info.Kind}, nil
	}
	n, err := strconv.Atoi(k)
	if !hasK || err != nil || n < 1 {
		return Strategy{}, fmt.Errorf("strategy %q needs a whole number of layers K >= 1, e.g. %s:2", s, kind)
	}
	return Strategy{Kind: info.Kind, K: n}, nil
}

// String is the strategy as the API writes it.
func (s Strategy) String() string {
	if info, _ := s.Kind.info(); info.TakesK {
		return fmt.Sprintf("%s:%d", s.Kind, s.K)
	}
	return string(s.Kind)
}

// UsesBase says whether the strategy starts from a base model's encoder.
func (s Strategy) UsesBase() bool {
	info, _ := s.Kind.info()
	return info.UsesBase
}

// CheckLayers checks the strategy against a network of n parametric layers (the head
// included). The server asks at creation and the trainer again before it trains, so a
// run can only fail here if the model changed in between.
func (s Strategy) CheckLayers(n int) error {
	switch {
	case s.Kind == Freeze && s.K >= n:
		return fmt.Errorf("freeze:%d would freeze every layer (the model has %d, head included): use at most freeze:%d", s.K, n, n-1)
	case (s.Kind == LinearProbe || s.Kind == GradualUnfreeze || s.Kind == LayerwiseLR) && n < 2:
		return fmt.Errorf("%s needs a model with layers below its head; this one has %d layer", s.Kind, n)
	}
	return nil
}
