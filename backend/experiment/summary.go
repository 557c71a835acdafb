package experiment

import "transferlab/backend/series"

// Summary is an experiment's result as it stands: stored on the experiment when a run
// finishes and, throttled, while runs train, so listing experiments reads no curves.
type Summary struct {
	// Speedup compares every non-scratch arm with the first scratch arm.
	Speedup []series.Speedup `json:"speedup"`
	// Final is false while any arm may still change the figures ("so far").
	Final bool `json:"final"`
}

// ArmCurves is one arm's curves, as Summarize needs them.
type ArmCurves struct {
	Strategy Strategy
	Curves   series.Curves
}

// Summarize works the result out of the arms' curves. targetAcc is the experiment's
// target_acc setting (0: scratch's best).
func Summarize(arms []ArmCurves, targetAcc float64, final bool) Summary {
	s := Summary{Speedup: []series.Speedup{}, Final: final}
	var base *ArmCurves
	for i := range arms {
		if arms[i].Strategy.Kind == Scratch {
			base = &arms[i]
			break
		}
	}
	if base == nil {
		return s
	}
	for i := range arms {
		a := &arms[i]
		if a == base || a.Strategy.Kind == Scratch {
			continue
		}
		s.Speedup = append(s.Speedup, series.Compare(a.Curves, base.Curves, targetAcc))
	}
	return s
}
