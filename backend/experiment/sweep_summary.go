package experiment

import (
	"fmt"
	"slices"
	"strings"

	"transferlab/backend/series"
)

// SweepRun is one run of a sweep's cell as the sweep's curve needs it.
type SweepRun struct {
	Arm       int
	Replicate int
	Strategy  Strategy
	Status    RunStatus
	ValAcc    []series.Point
	TestAcc   *float64
	Seconds   float64 // training time (steps and evaluations), without waits for other runs
	Epochs    int
}

// Band is one figure over a cell's replicates: the centre and its band, min-max with
// fewer than 5 values and a Student-t 95% interval of the mean from 5 on (as the
// experiment's curves draw them). Nil where there is nothing yet.
type Band struct {
	Value *float64 `json:"value"`
	Lo    *float64 `json:"lo"`
	Hi    *float64 `json:"hi"`
	N     int      `json:"n"`
}

// LinePoint is one line of a sweep's chart at one cell: a strategy's figures over the
// cell's replicates.
type LinePoint struct {
	Line     string `json:"line"`
	Strategy string `json:"strategy"`
	// TestAcc is the test accuracy of the final weights (mean and band).
	TestAcc Band `json:"test_acc"`
	// StepsToTarget is the median steps to the cell's target (min-max band) over the
	// replicates that reached it; Reached counts them.
	StepsToTarget Band `json:"steps_to_target"`
	Reached       int  `json:"reached"`
	// SecondsPerEpoch is the training time of an epoch, evaluation included (mean, min-max).
	SecondsPerEpoch Band `json:"seconds_per_epoch"`
	Done            int  `json:"done"`
	Runs            int  `json:"runs"`
}

// FrozenLine names the line of a freeze_depth sweep whose strategy is the axis itself.
const FrozenLine = "frozen"

// LineOf is the chart line a strategy draws in a sweep along axis: on a freeze_depth
// sweep every depth is one line; otherwise each strategy is its own.
func LineOf(axis Axis, s Strategy) string {
	if axis == AxisFreeze && s.Kind != Scratch {
		return FrozenLine
	}
	return s.String()
}

// SweepLines works one cell's points out of its runs: a line per strategy, in arm
// order. The target of steps-to-target is the cell's own (the rule's fraction of the
// scratch arm's final smoothed validation accuracy, replicate by replicate, or the
// first arm's where there is no scratch arm).
func SweepLines(axis Axis, runs []SweepRun, rule series.TargetRule) []LinePoint {
	if rule.Fraction <= 0 {
		rule.Fraction = series.DefaultTargetFraction
	}
	byArm := map[int][]SweepRun{}
	var arms []int
	baseArm := -1
	for _, r := range runs {
		if _, ok := byArm[r.Arm]; !ok {
			arms = append(arms, r.Arm)
		}
		byArm[r.Arm] = append(byArm[r.Arm], r)
		if r.Strategy.Kind == Scratch && (baseArm < 0 || r.Arm < baseArm) {
			baseArm = r.Arm
		}
	}
	slices.Sort(arms)
	if baseArm < 0 && len(arms) > 0 {
		baseArm = arms[0]
	}
	targets := map[int]float64{}
	for _, r := range byArm[baseArm] {
		if rule.Target > 0 {
			targets[r.Replicate] = rule.Target
		} else if sm := series.Smooth(r.ValAcc, series.SmoothBeta); r.Status == Succeeded && len(sm) > 0 {
			targets[r.Replicate] = rule.Fraction * sm[len(sm)-1].Value
		}
	}
	out := make([]LinePoint, 0, len(arms))
	for _, a := range arms {
		rs := byArm[a]
		lp := LinePoint{Line: LineOf(axis, rs[0].Strategy), Strategy: rs[0].Strategy.String(), Runs: len(rs)}
		var acc, steps, spe []float64
		for _, r := range rs {
			if r.Status != Succeeded {
				continue
			}
			lp.Done++
			if r.TestAcc != nil {
				acc = append(acc, *r.TestAcc)
			}
			if r.Epochs > 0 && r.Seconds > 0 {
				spe = append(spe, r.Seconds/float64(r.Epochs))
			}
			if t, ok := targets[r.Replicate]; ok {
				if reach := series.FirstReach(series.Smooth(r.ValAcc, series.SmoothBeta), t); reach.OK {
					steps = append(steps, reach.Step)
				}
			}
		}
		lp.TestAcc = meanBand(acc)
		lp.StepsToTarget = minMax(steps, series.Median(steps))
		lp.Reached = len(steps)
		lp.SecondsPerEpoch = minMax(spe, series.Mean(spe))
		out = append(out, lp)
	}
	return out
}

// meanBand is the mean with min-max below 5 values and the 95% interval from 5 on.
func meanBand(xs []float64) Band {
	if len(xs) >= 5 {
		e := series.MeanCI(xs)
		return Band{Value: finitePtr(e.Value), Lo: e.Lo, Hi: e.Hi, N: len(xs)}
	}
	return minMax(xs, series.Mean(xs))
}

func minMax(xs []float64, centre float64) Band {
	b := Band{N: len(xs)}
	if len(xs) == 0 {
		return b
	}
	lo, hi := slices.Min(xs), slices.Max(xs)
	b.Value, b.Lo, b.Hi = finitePtr(centre), &lo, &hi
	return b
}

// CellGap is one cell's paired test-accuracy gap of a line against scratch, from the
// cell's verdict.
type CellGap struct {
	Label string
	Gap   Gap
	Final bool
}

type gapState int

const (
	unknownGap gapState = iota
	aheadGap            // the whole interval above zero: the line beats scratch
	levelGap            // the interval holds zero: not told apart
	behindGap           // the whole interval below zero: scratch beats the line
)

func stateOf(g Gap) gapState {
	switch {
	case g.Lo == nil || g.Hi == nil:
		return unknownGap
	case *g.Lo > 0:
		return aheadGap
	case *g.Hi < 0:
		return behindGap
	}
	return levelGap
}

// Crossing says in words where a line and scratch cross along the axis, if they do,
// decided by the intervals of the paired test-accuracy gap, never by single points: a
// cell counts as "ahead" only when the whole interval lies above zero. It reads the
// longest run of cells at the end of the axis that agree, and says from which value
// on it holds.
func Crossing(line string, cells []CellGap) string {
	who := lineWords(line)
	var known []CellGap
	var states []gapState
	final := true
	for _, c := range cells {
		final = final && c.Final
		if s := stateOf(c.Gap); s != unknownGap {
			known = append(known, c)
			states = append(states, s)
		}
	}
	soFar := ""
	if !final {
		soFar = " (so far)"
	}
	if len(known) == 0 {
		return fmt.Sprintf("Nothing to say yet about %s against scratch%s: the crossing needs test-accuracy intervals, which need 2 or more finished replicates per value.", who, soFar)
	}
	beats := func(s gapState) bool { return s == aheadGap }
	// The tail: the last cells that agree on whether the line beats scratch.
	i := len(states) - 1
	for i > 0 && beats(states[i-1]) == beats(states[i]) {
		i--
	}
	where := fmt.Sprintf("at every value tried, %s to %s", known[0].Label, known[len(known)-1].Label)
	if len(known) == 1 {
		where = "at " + known[0].Label
	}
	tailBeats := beats(states[i])
	if i == 0 {
		if tailBeats {
			return fmt.Sprintf("%s beats scratch %s: the lines do not cross%s.", capital(who), where, soFar)
		}
		if slices.Contains(states, behindGap) && !slices.Contains(states, levelGap) {
			return fmt.Sprintf("Scratch beats %s %s%s.", who, where, soFar)
		}
		return fmt.Sprintf("%s and scratch cannot be told apart %s (every test-accuracy interval holds 0)%s.", capital(who), where, soFar)
	}
	prefixMixed := false
	for _, st := range states[:i] {
		prefixMixed = prefixMixed || beats(st) != beats(states[i-1]) || st != states[0]
	}
	from := known[i].Label
	switch {
	case prefixMixed:
		return mixedWords(who, known, states, soFar)
	case tailBeats && states[0] == behindGap:
		return fmt.Sprintf("From %s on, %s beats scratch; below that scratch beats it%s.", from, who, soFar)
	case tailBeats:
		return fmt.Sprintf("From %s on, %s beats scratch; below that they cannot be told apart%s.", from, who, soFar)
	}
	verb, why := "matches", "every test-accuracy interval of the difference holds 0"
	if !slices.Contains(states[i:], levelGap) {
		verb, why = "beats", "every test-accuracy interval of the difference lies below 0"
	} else if slices.Contains(states[i:], behindGap) {
		verb, why = "matches or beats", "each test-accuracy interval of the difference holds 0 or lies below it"
	}
	return fmt.Sprintf("From %s on, scratch %s %s (%s)%s.", from, verb, who, why, soFar)
}

// mixedWords lists where the line wins, ties and loses when no single value splits the
// axis in two: intervals too wide to draw one line (more replicates narrow them).
func mixedWords(who string, known []CellGap, states []gapState, soFar string) string {
	var ahead, level, behind []string
	for k, st := range states {
		switch st {
		case aheadGap:
			ahead = append(ahead, known[k].Label)
		case levelGap:
			level = append(level, known[k].Label)
		case behindGap:
			behind = append(behind, known[k].Label)
		}
	}
	var parts []string
	if len(ahead) > 0 {
		parts = append(parts, fmt.Sprintf("%s beats scratch at %s", capital(who), strings.Join(ahead, ", ")))
	}
	if len(level) > 0 {
		parts = append(parts, fmt.Sprintf("the intervals cannot tell them apart at %s", strings.Join(level, ", ")))
	}
	if len(behind) > 0 {
		parts = append(parts, fmt.Sprintf("scratch beats %s at %s", who, strings.Join(behind, ", ")))
	}
	out := capital(strings.Join(parts, "; ")) + soFar + "."
	if len(behind) == 0 {
		out += " The lines do not cross; no single value splits the axis (more replicates would narrow the intervals)."
	} else {
		out += " No single value splits the axis (more replicates would narrow the intervals)."
	}
	return out
}

func lineWords(line string) string {
	if line == FrozenLine {
		return "the frozen model"
	}
	if s, err := ParseStrategy(line); err == nil {
		return s.words()
	}
	return line
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
