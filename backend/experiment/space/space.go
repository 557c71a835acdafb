// Package space walks the settings space of an experiment for tests: every edge of
// every setting, each schedule with each optimizer, and every strategy. The tests of
// the API and of training walk the same cases, so "the API accepts it" and "it trains"
// are claims about one list.
package space

import (
	"encoding/json"
	"fmt"

	"transferlab/backend/experiment"
)

// Case is one experiment's settings and arm strategy.
type Case struct {
	Name     string
	Hyper    json.RawMessage
	Strategy string
}

// Cases returns the walk for a network with the given number of parametric layers, so
// freeze:K is tried at its edges too. Every case trains a few steps quickly when its
// epochs are cut short.
func Cases(layers int) []Case {
	var out []Case
	add := func(name, strategy string, h map[string]any) {
		b, _ := json.Marshal(h)
		out = append(out, Case{Name: name, Hyper: b, Strategy: strategy})
	}
	// Each setting at and beyond its edges, the others at their defaults.
	for _, s := range experiment.Settings {
		for _, v := range edges(s) {
			add(fmt.Sprintf("%s=%v", s.Name, v), "finetune", map[string]any{s.Name: v})
		}
	}
	// Each schedule with each optimizer, under every strategy.
	strategies := []string{"scratch", "finetune", "linear-probe", "freeze:1",
		fmt.Sprintf("freeze:%d", layers-1), fmt.Sprintf("freeze:%d", layers), "freeze:0", "thaw",
		"gradual-unfreeze", "layerwise-lr"}
	for _, sched := range options("schedule") {
		for _, opt := range options("optimizer") {
			for _, st := range strategies {
				h := map[string]any{"schedule": sched, "optimizer": opt, "warmup_epochs": 0.5, "epochs": 2}
				add(fmt.Sprintf("%s/%s/%s", sched, opt, st), st, h)
			}
		}
	}
	// Settings that only matter together.
	add("step decays every epoch", "finetune", map[string]any{"schedule": "step", "step_epochs": 1, "gamma": 0.5, "epochs": 3})
	add("step longer than the run", "finetune", map[string]any{"schedule": "step", "step_epochs": 50, "epochs": 2})
	add("warm-up over the whole run", "finetune", map[string]any{"warmup_epochs": 2, "epochs": 2, "schedule": "cosine"})
	add("warm-up beyond the run", "finetune", map[string]any{"warmup_epochs": 3, "epochs": 2})
	add("gradual unfreezing, one layer an epoch", "gradual-unfreeze", map[string]any{"unfreeze_every": 1, "epochs": 3})
	add("layer-wise rates, steep", "layerwise-lr", map[string]any{"layer_lr_decay": 0.1, "optimizer": "adam", "lr": 0.001, "epochs": 2})
	add("batch beyond the data", "scratch", map[string]any{"batch_size": 1024, "epochs": 1})
	add("everything at once", "freeze:1", map[string]any{"optimizer": "adam", "lr": 0.001, "schedule": "step",
		"step_epochs": 1, "gamma": 0.5, "warmup_epochs": 1, "weight_decay": 0.01, "head_lr_mult": 10, "aug_shift": 2,
		"aug_flip": true, "eval_every": 1, "clip_norm": 1, "early_stop": 1, "target_acc": 0.5, "val_limit": 5, "epochs": 3})
	return out
}

func options(name string) []string {
	s, _ := experiment.SettingNamed(name)
	return s.Options
}

// edges lists values at and just beyond a setting's limits, and values of the wrong
// type.
func edges(s experiment.Setting) []any {
	switch s.Kind {
	case experiment.KindBool:
		return []any{true, false, "yes", 1}
	case experiment.KindChoice:
		out := []any{}
		for _, o := range s.Options {
			out = append(out, o)
		}
		return append(out, "bogus", "", 3)
	}
	out := []any{"7", nil, true}
	if s.Min != nil {
		lo := *s.Min
		out = append(out, lo, lo-1)
		if s.MinExclusive {
			out = append(out, lo+1e-6)
		}
	}
	if s.Max != nil {
		hi := *s.Max
		out = append(out, hi, hi+1)
		if s.MaxExclusive {
			out = append(out, hi-1e-3)
		}
	}
	if s.Kind == experiment.KindInt {
		base := 1.0
		if s.Min != nil {
			base = *s.Min
		}
		out = append(out, base+0.5)
	}
	return out
}
