package experiment

import (
	"math"
	"strings"
	"testing"

	"transferlab/backend/series"
)

// rising is a validation curve every 10 steps climbing from 0.1 towards plateau with
// time constant tau (steps), with a fixed wobble so replicates differ a little.
func rising(n int, plateau, tau, wobble float64) []series.Point {
	pts := make([]series.Point, n)
	for i := range pts {
		step := int64(10 * (i + 1))
		v := plateau - (plateau-0.1)*math.Exp(-float64(step)/tau) + wobble*math.Sin(float64(i)*1.7+wobble*100)
		pts[i] = series.Point{Step: step, Value: v, WallTime: float64(step) * 0.01}
	}
	return pts
}

func acc(x float64) *float64 { return &x }

// experimentOf builds a fine-tune arm (0) and a scratch arm (1) over n replicates: the
// fine-tune curves climb 4x faster to a higher plateau.
func experimentOf(n, points int, status RunStatus) []RunCurves {
	var runs []RunCurves
	for r := range n {
		w := 0.004 * float64(r+1)
		runs = append(runs,
			RunCurves{Arm: 0, Replicate: r, Strategy: Strategy{Kind: Finetune}, Status: status,
				ValAcc: rising(points, 0.92+0.01*float64(r), 20+float64(6*r), w), TestAcc: acc(0.91 + 0.01*float64(r)), BatchSize: 32},
			RunCurves{Arm: 1, Replicate: r, Strategy: Strategy{Kind: Scratch}, Status: status,
				ValAcc: rising(points, 0.80+0.01*float64(r), 70+float64(25*r), w), TestAcc: acc(0.79 + 0.012*float64(r)), BatchSize: 32})
	}
	return runs
}

func TestVerdictGivesASpeedupWithItsInterval(t *testing.T) {
	s := Summarize(experimentOf(3, 40, Succeeded), series.TargetRule{})
	if !s.Final || s.NoVerdict != "" || len(s.Verdict) != 1 {
		t.Fatalf("summary %+v", s)
	}
	v := s.Verdict[0]
	if v.Strategy != "finetune" || v.Replicates != 3 || v.Reached != 3 || !v.Final {
		t.Fatalf("verdict %+v", v)
	}
	m, lo, hi := v.SpeedupSteps.Median, v.SpeedupSteps.Lo, v.SpeedupSteps.Hi
	if m == nil || lo == nil || hi == nil || *m < 2 || *lo > *m || *hi < *m || *lo <= 1 {
		t.Fatalf("speedup %+v: want a ratio above 2 with an interval above 1", v.SpeedupSteps)
	}
	if !strings.Contains(v.Speed, "x faster to ") || !strings.Contains(v.Speed, "(interval ") || strings.Contains(v.Speed, "so far") {
		t.Fatalf("speed in words: %q", v.Speed)
	}
	if !strings.Contains(v.Accuracy, "final smoothed val acc +") || !strings.Contains(v.Accuracy, "test acc of final weights +") {
		t.Fatalf("accuracy in words names what it compares: %q", v.Accuracy)
	}
	if v.NegativeTransfer || strings.Contains(v.Accuracy, "negative") {
		t.Fatalf("a better arm called negative transfer: %+v", v)
	}
}

func TestVerdictHoldsStillWhenTheRunIsThreeTimesLonger(t *testing.T) {
	// Scratch has levelled off by the end of the short run; the long one only adds plateau.
	short := Summarize(experimentOf(3, 60, Succeeded), series.TargetRule{}).Verdict[0]
	long := Summarize(experimentOf(3, 180, Succeeded), series.TargetRule{}).Verdict[0]
	// The wobble of the last evaluations still moves each target a little, so the
	// figure may shift by a few percent, never by the factors a best point gave.
	if rel := math.Abs(*long.SpeedupSteps.Median / *short.SpeedupSteps.Median - 1); rel > 0.1 {
		t.Fatalf("3x longer run moved the speedup from %.2f (interval %.2f-%.2f) to %.2f",
			*short.SpeedupSteps.Median, *short.SpeedupSteps.Lo, *short.SpeedupSteps.Hi, *long.SpeedupSteps.Median)
	}
}

func TestCancelledBaselineGivesNoVerdictAndSaysWhy(t *testing.T) {
	for _, ended := range []RunStatus{Cancelled, Failed} {
		runs := experimentOf(3, 40, Succeeded)
		runs[3].Status = ended // scratch, replicate 1
		runs[3].ValAcc = runs[3].ValAcc[:5]
		s := Summarize(runs, series.TargetRule{})
		if len(s.Verdict) != 0 || !strings.Contains(s.NoVerdict, "scratch baseline") || !strings.Contains(s.NoVerdict, string(ended)) {
			t.Fatalf("%s baseline: %+v", ended, s)
		}
	}
}

func TestNoScratchArmSaysThereIsNothingToCompareWith(t *testing.T) {
	runs := experimentOf(1, 10, Succeeded)[:1]
	if s := Summarize(runs, series.TargetRule{}); len(s.Verdict) != 0 || !strings.Contains(s.NoVerdict, "no arm trains from scratch") {
		t.Fatalf("%+v", s)
	}
}

func TestAnArmThatNeverGotThereSaysSoOnceFinished(t *testing.T) {
	runs := experimentOf(2, 40, Running)
	for i := range runs {
		if runs[i].Arm == 0 { // a poor arm: a low plateau
			runs[i].ValAcc = rising(40, 0.5, 20, 0.002)
		}
	}
	v := Summarize(runs, series.TargetRule{}).Verdict[0]
	if v.Final || !strings.HasPrefix(v.Speed, "so far: not yet at ") {
		t.Fatalf("while running: %q", v.Speed)
	}
	for i := range runs {
		runs[i].Status = Succeeded
	}
	v = Summarize(runs, series.TargetRule{}).Verdict[0]
	if !v.Final || !strings.HasPrefix(v.Speed, "did not reach ") || !strings.Contains(v.Speed, "(best 5") {
		t.Fatalf("finished: %q", v.Speed)
	}
	if !v.NegativeTransfer || !strings.Contains(v.Accuracy, "negative transfer") {
		t.Fatalf("an arm whole points below scratch in every pair: %q", v.Accuracy)
	}
}

func TestEveryFigureSaysSoFarWhileARunTrains(t *testing.T) {
	runs := experimentOf(3, 40, Succeeded)
	runs[4].Status = Running
	s := Summarize(runs, series.TargetRule{})
	v := s.Verdict[0]
	if s.Final || v.Final || !strings.HasPrefix(v.Speed, "so far: ") || !strings.HasPrefix(v.Accuracy, "so far: ") {
		t.Fatalf("running: final %v/%v, %q, %q", s.Final, v.Final, v.Speed, v.Accuracy)
	}
}

func TestArmsThatCannotBeToldApartSaySo(t *testing.T) {
	runs := experimentOf(3, 40, Succeeded)
	for i := range runs {
		if runs[i].Arm == 0 { // the same curves as scratch, nudged either way per replicate
			shift := []float64{-0.01, 0.012, 0.0}[runs[i].Replicate]
			runs[i].ValAcc = rising(40, 0.80+0.01*float64(runs[i].Replicate)+shift, 80+float64(10*runs[i].Replicate)-10*shift*100, 0.004)
			runs[i].TestAcc = acc(*runs[i+1].TestAcc + shift)
		}
	}
	v := Summarize(runs, series.TargetRule{}).Verdict[0]
	if !strings.Contains(v.Speed, "not distinguishable from scratch's (median") {
		t.Fatalf("same curves: %q (%+v)", v.Speed, v.SpeedupSteps)
	}
	if v.NegativeTransfer || strings.Contains(v.Accuracy, "negative") {
		t.Fatalf("an interval holding zero called negative transfer: %q", v.Accuracy)
	}
}

func TestOneReplicateSaysItHasNoInterval(t *testing.T) {
	v := Summarize(experimentOf(1, 40, Succeeded), series.TargetRule{}).Verdict[0]
	if !strings.Contains(v.Speed, "one replicate: no interval") || v.SpeedupSteps.Lo != nil {
		t.Fatalf("%q %+v", v.Speed, v.SpeedupSteps)
	}
}

func TestRowsAreRankedFastestFirst(t *testing.T) {
	runs := experimentOf(3, 40, Succeeded)
	for r := range 3 { // a third arm between scratch and fine-tune
		runs = append(runs, RunCurves{Arm: 2, Replicate: r, Strategy: Strategy{Kind: LinearProbe}, Status: Succeeded,
			ValAcc: rising(40, 0.88, 45+float64(2*r), 0.003), TestAcc: acc(0.85), BatchSize: 32})
	}
	// The slower arm listed first must still rank second.
	runs[0], runs[6] = runs[6], runs[0]
	s := Summarize(runs, series.TargetRule{})
	if len(s.Verdict) != 2 || s.Verdict[0].Strategy != "finetune" || s.Verdict[0].Rank != 1 || s.Verdict[1].Rank != 2 {
		t.Fatalf("ranking: %+v", s.Verdict)
	}
}

func TestAUserTargetIsTheOneMeasuredAt(t *testing.T) {
	v := Summarize(experimentOf(3, 40, Succeeded), series.TargetRule{Target: 0.5}).Verdict[0]
	if v.Target != 0.5 || !strings.Contains(v.Speed, "to 50.0%") {
		t.Fatalf("user target: %v %q", v.Target, v.Speed)
	}
}
