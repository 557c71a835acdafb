package experiment

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// words names a strategy in a default experiment name.
func (s Strategy) words() string {
	switch s.Kind {
	case Finetune:
		return "fine-tune"
	case LinearProbe:
		return "linear probe"
	case Freeze:
		return "freeze " + strconv.Itoa(s.K)
	case GradualUnfreeze:
		return "gradual unfreezing"
	case LayerwiseLR:
		return "layer-wise rates"
	}
	return string(s.Kind)
}

// runSuffix is the " (run_…)" a trained model's name ends with: an id, not a name.
var runSuffix = regexp.MustCompile(` \(run_[0-9a-f]+\)$`)

// DefaultName says what an unnamed experiment compares, on which data, from which
// model: "shapes: fine-tune, freeze 2 vs scratch · from CNN digits 0-4".
func DefaultName(dataset, baseModel, arch string, arms []Strategy) string {
	var tried []string
	scratch := false
	for _, a := range arms {
		if a.Kind == Scratch {
			scratch = true
			continue
		}
		if w := a.words(); !slices.Contains(tried, w) {
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
	return dataset + ": " + what + " · from " + runSuffix.ReplaceAllString(baseModel, "")
}
