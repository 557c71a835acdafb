package series

import (
	"math"
	"testing"
)

// rising draws a validation curve every 10 steps that climbs from 0.1 towards plateau
// with time constant tau (in steps), plus a small fixed wobble, so it looks like a real
// curve and stays the same for a seed.
func rising(n int, plateau, tau float64, wobble float64) []Point {
	pts := make([]Point, n)
	for i := range pts {
		step := int64(10 * (i + 1))
		v := plateau - (plateau-0.1)*math.Exp(-float64(step)/tau) + wobble*math.Sin(float64(i)*1.7)
		pts[i] = Point{Step: step, Value: v, WallTime: float64(step) * 0.01}
	}
	return pts
}

func reps(curves ...[]Point) []Replicate {
	out := make([]Replicate, len(curves))
	for i, c := range curves {
		out[i] = Replicate{ValAcc: c, BatchSize: 32}
	}
	return out
}

func TestSmoothStartsAtFirstValueAndFollowsAConstant(t *testing.T) {
	s := Smooth([]Point{{Step: 1, Value: 0.5}, {Step: 2, Value: 0.5}, {Step: 3, Value: 0.5}}, SmoothBeta)
	for _, p := range s {
		if math.Abs(p.Value-0.5) > 1e-12 {
			t.Fatalf("smoothing a constant gave %v, want 0.5 everywhere", s)
		}
	}
}

func TestFirstReachInterpolatesBetweenEvaluations(t *testing.T) {
	r := FirstReach([]Point{{Step: 10, Value: 0.2, WallTime: 1}, {Step: 20, Value: 0.6, WallTime: 3}}, 0.5)
	if !r.OK || math.Abs(r.Step-17.5) > 1e-9 || math.Abs(r.WallTime-2.5) > 1e-9 {
		t.Fatalf("reach = %+v, want step 17.5 at 2.5 s", r)
	}
	if FirstReach([]Point{{Step: 10, Value: 0.2}}, 0.5).OK {
		t.Fatal("a curve below the target reached it")
	}
}

func TestALateLuckyPointDoesNotMoveTheSpeedup(t *testing.T) {
	base := []Replicate{}
	lucky := []Replicate{}
	arm := []Replicate{}
	for s := range 3 {
		b := rising(40, 0.80, 60+float64(10*s), 0.01)
		base = append(base, Replicate{ValAcc: b})
		l := append([]Point(nil), b...)
		l[30].Value = 0.97 // one evaluation far above the rest, ten points before the end
		lucky = append(lucky, Replicate{ValAcc: l})
		arm = append(arm, Replicate{ValAcc: rising(40, 0.90, 15+float64(5*s), 0.01)})
	}
	plain := Compared(base, arm, TargetRule{})
	withLuck := Compared(lucky, arm, TargetRule{})
	// The spike still nudges the final smoothed value (by 0.4*0.6^9 of its height), so
	// the target moves by under a tenth of a point; under the old best-point rule the
	// target became 0.97 and the arm never reached it.
	if rel := math.Abs(withLuck.SpeedupSteps.Value/plain.SpeedupSteps.Value - 1); rel > 0.05 {
		t.Fatalf("one lucky baseline point moved the speedup %.3f -> %.3f (%.1f%%)",
			plain.SpeedupSteps.Value, withLuck.SpeedupSteps.Value, 100*rel)
	}
	if plain.SpeedupSteps.Value < 2 {
		t.Fatalf("a curve with a 4x shorter time constant is only %.2fx faster", plain.SpeedupSteps.Value)
	}
}

func TestALongerRunOfTheSameCurvesGivesTheSameFigure(t *testing.T) {
	var short, long struct{ base, arm []Replicate }
	for s := range 3 {
		tau := 40 + 10*float64(s) // plateaued well within the shorter run
		short.base = append(short.base, Replicate{ValAcc: rising(30, 0.85, tau, 0)})
		long.base = append(long.base, Replicate{ValAcc: rising(90, 0.85, tau, 0)})
		short.arm = append(short.arm, Replicate{ValAcc: rising(30, 0.92, tau/3, 0)})
		long.arm = append(long.arm, Replicate{ValAcc: rising(90, 0.92, tau/3, 0)})
	}
	a := Compared(short.base, short.arm, TargetRule{})
	b := Compared(long.base, long.arm, TargetRule{})
	if rel := math.Abs(a.SpeedupSteps.Value/b.SpeedupSteps.Value - 1); rel > 0.02 {
		t.Fatalf("speedup over 30 evaluations %.3f, over 90 %.3f: the figure moved %.1f%%",
			a.SpeedupSteps.Value, b.SpeedupSteps.Value, 100*rel)
	}
	if math.Abs(a.AccGapVal.Value-b.AccGapVal.Value) > 0.01 {
		t.Fatalf("accuracy gap moved from %.4f to %.4f", a.AccGapVal.Value, b.AccGapVal.Value)
	}
}

func TestIndistinguishableArmsGiveAnIntervalHoldingOne(t *testing.T) {
	var base, arm []Replicate
	for s := range 5 {
		// The same process; which arm is quicker swaps with the seed.
		base = append(base, Replicate{ValAcc: rising(40, 0.8, 100+float64(30*(s%2)), 0.005)})
		arm = append(arm, Replicate{ValAcc: rising(40, 0.8, 100+float64(30*((s+1)%2)), 0.005)})
	}
	p := Compared(base, arm, TargetRule{})
	if p.SpeedupSteps.Lo == nil || p.SpeedupSteps.Hi == nil {
		t.Fatalf("no interval over 5 replicates: %+v", p.SpeedupSteps)
	}
	if !(*p.SpeedupSteps.Lo <= 1 && *p.SpeedupSteps.Hi >= 1) {
		t.Fatalf("interval %.2f-%.2f excludes 1 for arms drawn from the same curves", *p.SpeedupSteps.Lo, *p.SpeedupSteps.Hi)
	}
	if p.AccGapVal.Below(0) || p.AccGapVal.Above(0) {
		t.Fatalf("accuracy gap interval %v-%v excludes 0", *p.AccGapVal.Lo, *p.AccGapVal.Hi)
	}
}

func TestAnArmThatNeverReachesTheTargetIsCountedAsSuch(t *testing.T) {
	base := reps(rising(30, 0.9, 80, 0), rising(30, 0.9, 90, 0))
	arm := reps(rising(30, 0.5, 30, 0), rising(30, 0.5, 30, 0))
	p := Compared(base, arm, TargetRule{})
	if p.ReachedIn != 0 || p.SpeedupSteps.Value != 0 {
		t.Fatalf("arm stuck at 0.5 against a 0.9 baseline: reached in %d, speedup %v", p.ReachedIn, p.SpeedupSteps.Value)
	}
	if !(p.Best < 0.51 && p.Best > 0.45) {
		t.Fatalf("best smoothed accuracy %.3f, want about 0.5", p.Best)
	}
	if !p.AccGapVal.Below(0) {
		t.Fatalf("a 40-point deficit over 2 replicates is not below zero: %+v", p.AccGapVal)
	}
}

func TestMeanCIUsesStudentT(t *testing.T) {
	e := MeanCI([]float64{1, 2, 3})
	half := 4.303 / math.Sqrt(3)
	if e.Value != 2 || math.Abs(*e.Lo-(2-half)) > 1e-9 || math.Abs(*e.Hi-(2+half)) > 1e-9 {
		t.Fatalf("MeanCI(1,2,3) = %v [%v, %v], want 2 ± %.4f", e.Value, *e.Lo, *e.Hi, half)
	}
	if one := MeanCI([]float64{0.1}); one.Lo != nil || one.Hi != nil {
		t.Fatal("one replicate has no interval")
	}
}

func TestBootstrapIsDeterministic(t *testing.T) {
	b, a := []float64{100, 120, 90, 110}, []float64{30, 50, 40, 35}
	x, y := RatioOfMedians(b, a), RatioOfMedians(b, a)
	if *x.Lo != *y.Lo || *x.Hi != *y.Hi {
		t.Fatal("the same replicates gave two different intervals")
	}
	if !(*x.Lo <= x.Value && x.Value <= *x.Hi) {
		t.Fatalf("estimate %.3f outside its interval %.3f-%.3f", x.Value, *x.Lo, *x.Hi)
	}
}

func TestAnAbsoluteTargetIsUsedAsGiven(t *testing.T) {
	p := Compared(reps(rising(30, 0.9, 80, 0)), reps(rising(30, 0.9, 20, 0)), TargetRule{Target: 0.5})
	if p.Target != 0.5 || p.ReachedIn != 1 {
		t.Fatalf("target %v reached in %d, want 0.5 and 1", p.Target, p.ReachedIn)
	}
}
