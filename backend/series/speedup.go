package series

import "math"

// Speedup compares a run against a baseline (the scratch arm).
type Speedup struct {
	RunID            string   `json:"run_id"`
	VsRunID          string   `json:"vs_run_id"`
	Target           float64  `json:"target"`
	Reached          bool     `json:"reached"`
	BaselineSteps    int64    `json:"baseline_steps"`
	Steps            int64    `json:"steps,omitempty"`
	StepsRatio       *float64 `json:"steps_ratio"`
	SecondsRatio     *float64 `json:"seconds_ratio"`
	LossAUCRatio     *float64 `json:"loss_auc_ratio"`
	AccGap           *float64 `json:"acc_gap"`
	NegativeTransfer bool     `json:"negative_transfer"`
}

// Curves is what Compare needs of one run: validation accuracy and training loss.
type Curves struct {
	RunID     string
	ValAcc    []Point
	TrainLoss []Point
}

// Compare works out how much sooner run reaches target validation accuracy than base.
// A target of 0 means the baseline's best validation accuracy so far.
func Compare(run, base Curves, target float64) Speedup {
	s := Speedup{RunID: run.RunID, VsRunID: base.RunID}
	if len(base.ValAcc) == 0 {
		return s
	}
	if target <= 0 {
		target = best(base.ValAcc)
	}
	s.Target = target
	bStep, bWall, bOK := firstReach(base.ValAcc, target)
	rStep, rWall, rOK := firstReach(run.ValAcc, target)
	if bOK {
		s.BaselineSteps = bStep
	}
	if bOK && rOK {
		s.Reached = true
		s.Steps = rStep
		s.StepsRatio = ratio(float64(bStep), float64(rStep))
		s.SecondsRatio = ratio(bWall, rWall)
	}
	if len(run.ValAcc) > 0 {
		gap := run.ValAcc[len(run.ValAcc)-1].Value - base.ValAcc[len(base.ValAcc)-1].Value
		s.AccGap = &gap
		s.NegativeTransfer = gap < 0
	}
	// Compare loss areas over the steps both runs have, so a run still going is fair.
	if len(run.TrainLoss) > 1 && len(base.TrainLoss) > 1 {
		upTo := min(run.TrainLoss[len(run.TrainLoss)-1].Step, base.TrainLoss[len(base.TrainLoss)-1].Step)
		s.LossAUCRatio = ratio(area(base.TrainLoss, upTo), area(run.TrainLoss, upTo))
	}
	return s
}

func best(pts []Point) float64 {
	b := math.Inf(-1)
	for _, p := range pts {
		b = math.Max(b, p.Value)
	}
	return b
}

// firstReach is the first point whose value is at least target.
func firstReach(pts []Point, target float64) (int64, float64, bool) {
	for _, p := range pts {
		if p.Value >= target-1e-12 {
			return p.Step, p.WallTime, true
		}
	}
	return 0, 0, false
}

// area is the trapezoid area under the curve from its first point to step upTo.
func area(pts []Point, upTo int64) float64 {
	a := 0.0
	for i := 1; i < len(pts) && pts[i].Step <= upTo; i++ {
		a += float64(pts[i].Step-pts[i-1].Step) * (pts[i].Value + pts[i-1].Value) / 2
	}
	return a
}

func ratio(num, den float64) *float64 {
	if den <= 0 || num <= 0 {
		return nil
	}
	r := num / den
	return &r
}
