package experiment

import (
	"strings"
	"testing"

	"transferlab/backend/series"
)

func gap(lo, hi float64) Gap {
	m := (lo + hi) / 2
	return Gap{Mean: &m, Lo: &lo, Hi: &hi, N: 3}
}

func cellsOf(labels []string, gaps ...Gap) []CellGap {
	out := make([]CellGap, len(gaps))
	for i, g := range gaps {
		out[i] = CellGap{Label: labels[i], Gap: g, Final: true}
	}
	return out
}

var perClass = []string{"2 per class", "5 per class", "10 per class", "20 per class", "50 per class"}

func TestCrossingDecidedByIntervals(t *testing.T) {
	ahead, level, behind := gap(0.05, 0.15), gap(-0.02, 0.04), gap(-0.1, -0.01)
	// A lucky single point: a mean of +0.10 whose interval still holds 0 is level.
	luckyLevel := gap(-0.01, 0.21)
	for _, tc := range []struct {
		name string
		gaps []Gap
		want string
	}{
		{"scratch catches up", []Gap{ahead, ahead, ahead, level, level},
			"From 20 per class on, scratch matches fine-tune"},
		{"a lucky mean is not a win", []Gap{ahead, ahead, ahead, luckyLevel, level},
			"From 20 per class on, scratch matches fine-tune"},
		{"scratch overtakes", []Gap{ahead, ahead, level, behind, behind},
			"From 10 per class on, scratch matches or beats fine-tune"},
		{"scratch wins outright at the end", []Gap{ahead, ahead, ahead, behind, behind},
			"From 20 per class on, scratch beats fine-tune"},
		{"no crossing", []Gap{ahead, ahead, ahead, ahead, ahead},
			"Fine-tune beats scratch at every value tried, 2 per class to 50 per class: the lines do not cross."},
		{"never told apart", []Gap{level, level, level, level, level},
			"Fine-tune and scratch cannot be told apart at every value tried, 2 per class to 50 per class"},
		{"fine-tune pulls ahead", []Gap{level, level, ahead, ahead, ahead},
			"From 10 per class on, fine-tune beats scratch; below that they cannot be told apart."},
		{"one replicate has no interval", []Gap{{}, {}, {}, {}, {}},
			"Nothing to say yet about fine-tune against scratch"},
		{"no single split", []Gap{level, ahead, ahead, level, ahead},
			"Fine-tune beats scratch at 5 per class, 10 per class, 50 per class; the intervals cannot tell them apart at 2 per class, 20 per class. The lines do not cross"},
		{"scratch wins somewhere in the middle", []Gap{ahead, behind, ahead, ahead, ahead},
			"scratch beats fine-tune at 5 per class. No single value splits the axis"},
		{"cells without an interval are skipped", []Gap{ahead, {}, ahead, level, {}},
			"From 20 per class on, scratch matches fine-tune"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Crossing("finetune", cellsOf(perClass, tc.gaps...))
			if !strings.Contains(got, tc.want) {
				t.Fatalf("got %q\nwant it to say %q", got, tc.want)
			}
		})
	}
	// While cells train, the words say so.
	cells := cellsOf(perClass, ahead, ahead, ahead, level, level)
	cells[4].Final = false
	if got := Crossing("finetune", cells); !strings.Contains(got, "(so far)") {
		t.Fatalf("unfinished sweep: %q does not say so far", got)
	}
	if got := Crossing("finetune", cellsOf(perClass[:1], level)); !strings.Contains(got, "cannot be told apart at 2 per class (") {
		t.Fatalf("one value: %q", got)
	}
	if got := Crossing(FrozenLine, cellsOf(perClass, ahead, level, level, level, level)); !strings.Contains(got, "scratch matches the frozen model") {
		t.Fatalf("frozen line: %q", got)
	}
}

// curve rises linearly from 0 to top over steps, one validation point every 10 steps.
func curve(top float64, steps int) []series.Point {
	var pts []series.Point
	for s := 10; s <= steps; s += 10 {
		pts = append(pts, series.Point{Step: int64(s), Value: top * float64(s) / float64(steps), WallTime: float64(s) / 10})
	}
	for range 20 { // a long plateau, so the smoothed final value is the top
		s := pts[len(pts)-1].Step + 10
		pts = append(pts, series.Point{Step: s, Value: top, WallTime: float64(s) / 10})
	}
	return pts
}

func TestSweepLinesPerStrategy(t *testing.T) {
	ft, _ := ParseStrategy("finetune")
	sc, _ := ParseStrategy("scratch")
	acc := func(x float64) *float64 { return &x }
	var runs []SweepRun
	for r := range 3 {
		runs = append(runs,
			SweepRun{Arm: 0, Replicate: r, Strategy: ft, Status: Succeeded, ValAcc: curve(0.9, 100), TestAcc: acc(0.90 + 0.01*float64(r)), Seconds: 20, Epochs: 10},
			SweepRun{Arm: 1, Replicate: r, Strategy: sc, Status: Succeeded, ValAcc: curve(0.8, 400), TestAcc: acc(0.80 + 0.01*float64(r)), Seconds: 10, Epochs: 10})
	}
	runs[5].Status, runs[5].TestAcc = Cancelled, nil // scratch of replicate 2 cancelled
	lines := SweepLines(AxisLabels, runs, series.TargetRule{})
	if len(lines) != 2 || lines[0].Line != "finetune" || lines[1].Line != "scratch" {
		t.Fatalf("lines %+v", lines)
	}
	f, s := lines[0], lines[1]
	if f.Done != 3 || s.Done != 2 || f.Runs != 3 {
		t.Fatalf("done %d/%d, runs %d", f.Done, s.Done, f.Runs)
	}
	if *f.TestAcc.Value < 0.909 || *f.TestAcc.Value > 0.911 || *f.TestAcc.Lo != 0.90 || *f.TestAcc.Hi != 0.92 {
		t.Fatalf("fine-tune test accuracy band %v %v %v", *f.TestAcc.Value, *f.TestAcc.Lo, *f.TestAcc.Hi)
	}
	// Only replicates whose baseline finished have a target: 2 of fine-tune's 3.
	if f.Reached != 2 || s.Reached != 2 {
		t.Fatalf("reached %d and %d, want 2 and 2", f.Reached, s.Reached)
	}
	if !(*f.StepsToTarget.Value < *s.StepsToTarget.Value) {
		t.Fatalf("fine-tune should reach the target in fewer steps: %v vs %v", *f.StepsToTarget.Value, *s.StepsToTarget.Value)
	}
	if *f.SecondsPerEpoch.Value != 2 || *s.SecondsPerEpoch.Value != 1 {
		t.Fatalf("seconds per epoch %v and %v", *f.SecondsPerEpoch.Value, *s.SecondsPerEpoch.Value)
	}
	fr, _ := ParseStrategy("freeze:2")
	if LineOf(AxisFreeze, fr) != FrozenLine || LineOf(AxisFreeze, sc) != "scratch" || LineOf(AxisLR, fr) != "freeze:2" {
		t.Fatal("lines of a freeze sweep")
	}
}
