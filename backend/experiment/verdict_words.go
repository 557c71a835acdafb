package experiment

import (
	"fmt"
	"math"
)

// The verdict in words lives here, next to the rules, so the page, the API and the
// tests say the same thing. Every figure names what it compares; a figure that may
// still move says "so far".

// speedWords says how much sooner the arm reached the target than scratch.
func speedWords(v ArmVerdict) string {
	soFar := ""
	if !v.Final {
		soFar = "so far: "
	}
	target := pct(v.Target)
	switch {
	case v.Replicates == 0:
		return "no validation points yet"
	case v.Reached == 0 && v.Final:
		return fmt.Sprintf("did not reach %s (best %s)", target, pct(v.Best))
	case v.Reached == 0:
		return fmt.Sprintf("so far: not yet at %s (best %s)", target, pct(v.Best))
	case v.SpeedupSteps.Median == nil:
		return soFar + fmt.Sprintf("scratch has not reached %s, so there is no ratio", target)
	}
	m := *v.SpeedupSteps.Median
	lo, hi := v.SpeedupSteps.Lo, v.SpeedupSteps.Hi
	reached := ""
	if v.Reached < v.Replicates {
		reached = fmt.Sprintf("; reached %s in %d of %d replicates", target, v.Reached, v.Replicates)
	}
	at := fmt.Sprintf(" to %s", target)
	switch {
	case v.Replicates < 2:
		return soFar + fmt.Sprintf("%s%s (one replicate: no interval)%s", times(m), at, reached)
	case (lo == nil || *lo <= 1) && (hi == nil || *hi >= 1):
		return soFar + fmt.Sprintf("time to %s not distinguishable from scratch's (median %s, interval %s)%s", target, times(m), interval(lo, hi, ratioText), reached)
	}
	return soFar + fmt.Sprintf("%s%s (interval %s)%s", times(m), at, interval(lo, hi, ratioText), reached)
}

// accuracyWords compares final smoothed validation accuracy and, once evaluated, the
// test accuracy of the final weights.
func accuracyWords(v ArmVerdict) string {
	soFar := ""
	if !v.Final {
		soFar = "so far: "
	}
	if v.AccGapVal.Mean == nil {
		return soFar + "no validation points yet"
	}
	out := soFar + "final smoothed val acc " + gapText(v.AccGapVal)
	if v.AccGapTest.Mean != nil {
		out += "; test acc of final weights " + gapText(v.AccGapTest)
	}
	return out
}

func gapText(g Gap) string {
	s := points(*g.Mean)
	if g.Lo != nil && g.Hi != nil {
		s += fmt.Sprintf(" (interval %s to %s)", points(*g.Lo), points(*g.Hi))
		if *g.Hi < 0 {
			s = "negative transfer: " + s
		}
	} else {
		s += " (one replicate: no interval)"
	}
	return s
}

func times(m float64) string {
	if m >= 1 {
		return ratioText(m) + " faster"
	}
	if m <= 0 {
		return "never faster"
	}
	return ratioText(1/m) + " slower"
}

func ratioText(m float64) string { return fmt.Sprintf("%.1fx", m) }

func interval(lo, hi *float64, f func(float64) string) string {
	l, h := "0", "unbounded"
	if lo != nil {
		l = f(*lo)
	}
	if hi != nil {
		h = f(*hi)
	}
	return l + "-" + h
}

func pct(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }

func points(x float64) string {
	if math.Abs(x) < 0.0005 {
		x = 0
	}
	return fmt.Sprintf("%+.1f points", 100*x)
}
