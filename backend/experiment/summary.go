package experiment

import (
	"fmt"
	"math"
	"slices"

	"transferlab/backend/series"
)

// Summary is an experiment's result as it stands: stored on the experiment when a run
// finishes and, throttled, while runs train, so listing experiments reads no curves.
type Summary struct {
	// Verdict has a row per non-scratch arm, the fastest first.
	Verdict []ArmVerdict `json:"verdict"`
	// NoVerdict says why there is no verdict (no scratch arm, a baseline cancelled or
	// failed); empty when there is one or it is still to come.
	NoVerdict string `json:"no_verdict,omitempty"`
	// Final is false while any run may still change the figures ("so far").
	Final bool `json:"final"`
}

// Ratio is a speedup: the ratio of the medians over the replicates with its bootstrap
// 95% interval. Median is nil where no ratio exists yet (neither arm got there); Lo or
// Hi is nil where the interval is open on that side (one replicate, or an arm that
// did not reach the target in some replicates).
type Ratio struct {
	Median *float64 `json:"median"`
	Lo     *float64 `json:"lo"`
	Hi     *float64 `json:"hi"`
}

// Gap is a difference of accuracies, arm minus scratch: the mean over paired
// replicates with its Student-t 95% interval (none with one replicate).
type Gap struct {
	Mean *float64 `json:"mean"`
	Lo   *float64 `json:"lo"`
	Hi   *float64 `json:"hi"`
	N    int      `json:"n"`
}

// ArmVerdict is one arm against the scratch baseline over the replicates.
type ArmVerdict struct {
	Arm      int    `json:"arm"`
	Strategy string `json:"strategy"`
	Rank     int    `json:"rank"`
	// Target is the validation accuracy the speedup is measured at (the mean of the
	// replicates' targets when each comes from its own baseline).
	Target          float64 `json:"target"`
	SpeedupSteps    Ratio   `json:"speedup_steps"`
	SpeedupSeconds  Ratio   `json:"speedup_seconds"`
	SpeedupExamples Ratio   `json:"speedup_examples"`
	// AccGapVal compares final smoothed validation accuracy; AccGapTest the test
	// accuracy of the final weights.
	AccGapVal  Gap `json:"acc_gap_val"`
	AccGapTest Gap `json:"acc_gap_test"`
	// Reached counts the replicates in which the arm reached the target; Replicates
	// the pairs compared; Best is the arm's best smoothed validation accuracy (mean).
	Reached    int     `json:"reached"`
	Replicates int     `json:"replicates"`
	Best       float64 `json:"best"`
	// Final is true once neither this arm nor the baseline can change the figures.
	Final bool `json:"final"`
	// Speed and Accuracy are the figures in words, as the page shows them.
	Speed    string `json:"speed"`
	Accuracy string `json:"accuracy"`
	// NegativeTransfer is true only when the whole interval of the validation gap, or
	// of the test gap, lies below zero.
	NegativeTransfer bool `json:"negative_transfer"`
}

// RunCurves is one run as Summarize needs it.
type RunCurves struct {
	Arm       int
	Replicate int
	Strategy  Strategy
	Status    RunStatus
	ValAcc    []series.Point
	TestAcc   *float64
	BatchSize int
}

// TargetRule is the target an experiment's settings ask for.
func (h Hyper) TargetRule() series.TargetRule {
	return series.TargetRule{Fraction: h.TargetFraction, Target: h.TargetAcc}
}

// Summarize works the verdict out of the runs' curves: every non-scratch arm against
// the first scratch arm, replicate by replicate (the same seed and sample on both
// sides).
func Summarize(runs []RunCurves, rule series.TargetRule) Summary {
	s := Summary{Verdict: []ArmVerdict{}, Final: true}
	baseArm := -1
	arms := map[int][]RunCurves{}
	var order []int
	for _, r := range runs {
		s.Final = s.Final && r.Status.Finished()
		if _, ok := arms[r.Arm]; !ok {
			order = append(order, r.Arm)
		}
		arms[r.Arm] = append(arms[r.Arm], r)
		if r.Strategy.Kind == Scratch && (baseArm < 0 || r.Arm < baseArm) {
			baseArm = r.Arm
		}
	}
	if baseArm < 0 {
		if len(runs) > 0 {
			s.NoVerdict = "There is no verdict: no arm trains from scratch, and the speedup is measured against a scratch baseline."
		}
		return s
	}
	for _, r := range arms[baseArm] {
		if r.Status == Cancelled || r.Status == Failed {
			s.NoVerdict = fmt.Sprintf("There is no verdict: the scratch baseline (replicate %d) was %s, so there is nothing to measure the other arms against. Run the experiment again to get one.", r.Replicate+1, r.Status)
			return s
		}
	}
	base := replicates(arms[baseArm], false)
	baseFinal := allFinished(arms[baseArm])
	slices.Sort(order)
	for _, a := range order {
		if a == baseArm || arms[a][0].Strategy.Kind == Scratch {
			continue
		}
		p := series.Compared(base, replicates(arms[a], true), rule)
		v := verdictOf(a, arms[a][0].Strategy, p, baseFinal && allFinished(arms[a]), allFinished(arms[a]))
		s.Verdict = append(s.Verdict, v)
	}
	rank(s.Verdict)
	return s
}

// replicates lines an arm's runs up by replicate index. A run of a non-baseline arm
// that was cancelled or failed drops out of the pairing (an empty curve is skipped):
// its partial curve would otherwise read as "never reached".
func replicates(runs []RunCurves, dropEnded bool) []series.Replicate {
	n := 0
	for _, r := range runs {
		n = max(n, r.Replicate+1)
	}
	out := make([]series.Replicate, n)
	for _, r := range runs {
		if dropEnded && (r.Status == Cancelled || r.Status == Failed) {
			continue
		}
		out[r.Replicate] = series.Replicate{ValAcc: r.ValAcc, TestAcc: r.TestAcc, BatchSize: r.BatchSize}
	}
	return out
}

func allFinished(runs []RunCurves) bool {
	for _, r := range runs {
		if !r.Status.Finished() {
			return false
		}
	}
	return true
}

// armDone says the arm's own runs have all finished: while the baseline still trains,
// the words say its figures stand against scratch as it is now.
func verdictOf(arm int, s Strategy, p series.Paired, final, armDone bool) ArmVerdict {
	v := ArmVerdict{Arm: arm, Strategy: s.String(), Target: finite(p.Target), Reached: p.ReachedIn,
		Replicates: p.Replicates, Best: finite(p.Best), Final: final,
		SpeedupSteps: ratioOf(p.SpeedupSteps), SpeedupSeconds: ratioOf(p.SpeedupSeconds),
		SpeedupExamples: ratioOf(p.SpeedupExamples),
		AccGapVal:       gapOf(p.AccGapVal), AccGapTest: gapOf(p.AccGapTest)}
	v.NegativeTransfer = p.AccGapVal.Below(0) || p.AccGapTest.Below(0)
	v.Speed = speedWords(v, armDone)
	v.Accuracy = accuracyWords(v, armDone)
	return v
}

// rank orders the rows fastest first: by median speedup in steps, then by the
// validation gap; an arm with no speedup yet comes last.
func rank(vs []ArmVerdict) {
	key := func(v ArmVerdict) (float64, float64) {
		sp, gap := -1.0, math.Inf(-1)
		if v.SpeedupSteps.Median != nil {
			sp = *v.SpeedupSteps.Median
		}
		if v.AccGapVal.Mean != nil {
			gap = *v.AccGapVal.Mean
		}
		return sp, gap
	}
	slices.SortStableFunc(vs, func(a, b ArmVerdict) int {
		as, ag := key(a)
		bs, bg := key(b)
		switch {
		case as != bs:
			return cmpDesc(as, bs)
		case ag != bg:
			return cmpDesc(ag, bg)
		}
		return a.Arm - b.Arm
	})
	for i := range vs {
		vs[i].Rank = i + 1
	}
}

func cmpDesc(a, b float64) int {
	if a > b {
		return -1
	}
	return 1
}

func ratioOf(e series.Estimate) Ratio {
	return Ratio{Median: finitePtr(e.Value), Lo: e.Lo, Hi: e.Hi}
}

func gapOf(e series.Estimate) Gap {
	return Gap{Mean: finitePtr(e.Value), Lo: e.Lo, Hi: e.Hi, N: e.N}
}

func finitePtr(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

func finite(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}
