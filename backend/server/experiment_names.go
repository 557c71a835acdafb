package server

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"transferlab/backend/store"
)

// strategyWords names a strategy in a default experiment name.
func strategyWords(s string) string {
	switch {
	case s == "finetune":
		return "fine-tune"
	case s == "linear-probe":
		return "linear probe"
	case strings.HasPrefix(s, "freeze:"):
		return "freeze " + strings.TrimPrefix(s, "freeze:")
	}
	return s
}

// defaultExperimentName says what an unnamed experiment compares, on which data, from
// which model: "shapes: fine-tune, freeze 2 vs scratch · from CNN digits 0-4".
func defaultExperimentName(dataset, model, arch string, arms []armParams) string {
	var tried []string
	scratch := false
	for _, a := range arms {
		if a.Strategy == "scratch" {
			scratch = true
			continue
		}
		if w := strategyWords(a.Strategy); !slices.Contains(tried, w) {
			tried = append(tried, w)
		}
	}
	what := strings.Join(tried, ", ")
	switch {
	case what == "":
		return dataset + ": " + arch + " from scratch"
	case scratch:
		what += " vs scratch"
	}
	return dataset + ": " + what + " · from " + runSuffix.ReplaceAllString(model, "")
}

// runSuffix is the " (run_…)" a trained model's name ends with: an id, not a name.
var runSuffix = regexp.MustCompile(` \(run_[0-9a-f]+\)$`)

// experimentNames are the names of an experiment's dataset and base model, so pages
// show what an experiment is about, never ids.
type experimentNames struct {
	DatasetName   string `json:"dataset_name"`
	BaseModelName string `json:"base_model_name,omitempty"`
}

// namesOf looks up the names of an experiment's dataset and base model, so pages show
// what an experiment is about rather than ids; a deleted one reads as "".
func namesOf(ctx context.Context, db *store.DB, e *store.Experiment) (dataset, model string) {
	if d, err := db.Dataset(ctx, e.DatasetID); err == nil {
		dataset = d.Name
	}
	if e.BaseModelID != "" {
		if m, err := db.Model(ctx, e.BaseModelID); err == nil {
			model = m.Name
		}
	}
	return dataset, model
}
