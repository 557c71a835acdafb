package series

import "math"

// Replicate is one seed's run of one arm, as a paired comparison sees it.
type Replicate struct {
	ValAcc    []Point  // raw validation accuracy points in step order
	TestAcc   *float64 // test accuracy of the final weights, once evaluated
	BatchSize int      // examples per step
}

// TargetRule says what "reached" means: an absolute accuracy, or (when Target is 0) a
// fraction of the baseline replicate's final smoothed accuracy.
type TargetRule struct {
	Fraction float64
	Target   float64
}

// DefaultTargetFraction is the share of scratch's final smoothed accuracy an arm must
// reach to count as having got there.
const DefaultTargetFraction = 0.95

// Paired is an arm against the baseline over paired replicates (index i of both is the
// same seed and, where the data is a sample, the same sample).
type Paired struct {
	Target          float64 // mean of the per-replicate targets
	SpeedupSteps    Estimate
	SpeedupSeconds  Estimate
	SpeedupExamples Estimate
	AccGapVal       Estimate // final smoothed validation accuracy, arm minus base
	AccGapTest      Estimate // test accuracy of the final weights, arm minus base
	ReachedIn       int      // replicates in which the arm reached its target
	Best            float64  // the arm's best smoothed validation accuracy, mean over replicates
	Replicates      int      // pairs in which both arms have a validation point
}

// Compared pairs an arm's replicates with the baseline's. Every curve is smoothed first
// (Smooth with SmoothBeta), so neither the target nor the crossing depends on one lucky
// evaluation; the target of each replicate comes from its own baseline, so a longer run
// of a plateaued baseline moves neither.
func Compared(base, arm []Replicate, rule TargetRule) Paired {
	if rule.Fraction <= 0 {
		rule.Fraction = DefaultTargetFraction
	}
	var p Paired
	var bSteps, aSteps, bSecs, aSecs, bEx, aEx, gapVal, gapTest, targets, bests []float64
	for i := range min(len(base), len(arm)) {
		b, a := Smooth(base[i].ValAcc, SmoothBeta), Smooth(arm[i].ValAcc, SmoothBeta)
		if len(b) == 0 || len(a) == 0 {
			continue
		}
		p.Replicates++
		bFinal, aFinal := b[len(b)-1].Value, a[len(a)-1].Value
		target := rule.Target
		if target <= 0 {
			target = rule.Fraction * bFinal
		}
		targets = append(targets, target)
		bests = append(bests, Max(a))
		br, ar := FirstReach(b, target), FirstReach(a, target)
		if ar.OK {
			p.ReachedIn++
		}
		bSteps, aSteps = append(bSteps, stepsOr(br)), append(aSteps, stepsOr(ar))
		bSecs, aSecs = append(bSecs, secondsOr(br)), append(aSecs, secondsOr(ar))
		bEx = append(bEx, stepsOr(br)*float64(max(base[i].BatchSize, 1)))
		aEx = append(aEx, stepsOr(ar)*float64(max(arm[i].BatchSize, 1)))
		gapVal = append(gapVal, aFinal-bFinal)
		if base[i].TestAcc != nil && arm[i].TestAcc != nil {
			gapTest = append(gapTest, *arm[i].TestAcc-*base[i].TestAcc)
		}
	}
	p.Target = Mean(targets)
	p.Best = Mean(bests)
	p.SpeedupSteps = RatioOfMedians(bSteps, aSteps)
	p.SpeedupSeconds = RatioOfMedians(bSecs, aSecs)
	p.SpeedupExamples = RatioOfMedians(bEx, aEx)
	p.AccGapVal = MeanCI(gapVal)
	p.AccGapTest = MeanCI(gapTest)
	return p
}

// stepsOr is where a curve reached its target; +Inf where it never did. A crossing at
// step 0 counts as half a step so a ratio stays finite.
func stepsOr(r Reach) float64 {
	if !r.OK {
		return math.Inf(1)
	}
	return math.Max(r.Step, 0.5)
}

func secondsOr(r Reach) float64 {
	if !r.OK {
		return math.Inf(1)
	}
	return math.Max(r.WallTime, 1e-3)
}

// Below says whether an estimate's whole interval lies below zero (the only case the
// lab calls negative transfer).
func (e Estimate) Below(x float64) bool { return e.Hi != nil && *e.Hi < x }

// Above says whether its whole interval lies above x.
func (e Estimate) Above(x float64) bool { return e.Lo != nil && *e.Lo > x }
