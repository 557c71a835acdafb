package server

import (
	"context"
	"encoding/json"
	"time"

	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

// SweepListItem is a sweep in GET /api/sweeps: what it asks and how far it got.
type SweepListItem struct {
	ID        string                      `json:"id"`
	Name      string                      `json:"name"`
	DatasetID string                      `json:"dataset_id"`
	Axis      experiment.Axis             `json:"axis"`
	Spec      experiment.SweepSpec        `json:"spec"`
	Status    experiment.ExperimentStatus `json:"status"`
	Cells     int                         `json:"cells"`
	Runs      int                         `json:"runs"`
	Finished  int                         `json:"finished"`
	CreatedAt time.Time                   `json:"created_at"`
	Owned
}

// SweepCellView is one value of the axis: its experiment, that experiment's verdict,
// and a point per chart line.
type SweepCellView struct {
	Index        int                         `json:"index"`
	Value        string                      `json:"value"`
	Label        string                      `json:"label"`
	ExperimentID string                      `json:"experiment_id"`
	Status       experiment.ExperimentStatus `json:"status"`
	Verdict      []experiment.ArmVerdict     `json:"verdict"`
	NoVerdict    string                      `json:"no_verdict,omitempty"`
	SummaryFinal bool                        `json:"summary_final"`
	Lines        []experiment.LinePoint      `json:"lines"`
	Runs         []RunView                   `json:"runs"`
}

// SweepView is GET /api/sweeps/:id: every cell with its verdict and points, the chart
// lines in order, and where the lines cross, in words.
type SweepView struct {
	SweepListItem
	BaseModelID string          `json:"base_model_id"`
	Hyper       json.RawMessage `json:"hyper" tstype:"Hyper"`
	Lines       []string        `json:"lines"`
	CellViews   []SweepCellView `json:"cell_views"`
	// Crossings has a sentence per line against scratch, decided by the intervals of
	// each cell's paired test-accuracy gap.
	Crossings []string `json:"crossings"`
	Final     bool     `json:"final"`
}

func (a *SweepAPI) view(ctx context.Context, id string) (SweepView, error) {
	s, err := a.DB.Sweep(ctx, id)
	if err != nil {
		return SweepView{}, err
	}
	cells, err := a.DB.SweepCells(ctx, s.ID)
	if err != nil {
		return SweepView{}, err
	}
	v := SweepView{SweepListItem: SweepListItem{ID: s.ID, Name: s.Name, DatasetID: s.DatasetID, Axis: experiment.Axis(s.Axis),
		CreatedAt: s.CreatedAt, Cells: len(cells), Owned: Owned{OwnerID: s.OwnerID, Shared: s.Shared}}, Lines: []string{}, CellViews: []SweepCellView{}, Crossings: []string{}, Final: true,
		Hyper: json.RawMessage("null")}
	_ = json.Unmarshal([]byte(s.Spec), &v.Spec)
	gaps := map[string][]experiment.CellGap{}
	var statuses []experiment.RunStatus
	for i := range cells {
		e := &cells[i]
		if i == 0 {
			v.BaseModelID, v.Hyper = e.BaseModelID, rawJSON(e.Hyper)
		}
		cv, err := a.cellView(ctx, experiment.Axis(s.Axis), e)
		if err != nil {
			return SweepView{}, err
		}
		if e.SweepCell < len(v.Spec.Values) {
			cv.Value, cv.Label = v.Spec.Values[e.SweepCell], v.Spec.Labels[e.SweepCell]
		}
		for _, r := range e.Runs {
			statuses = append(statuses, r.Status)
			v.Runs++
			if r.Status.Finished() {
				v.Finished++
			}
		}
		for _, lp := range cv.Lines {
			if !contains(v.Lines, lp.Line) {
				v.Lines = append(v.Lines, lp.Line)
			}
		}
		for _, row := range cv.Verdict {
			st, err := experiment.ParseStrategy(row.Strategy)
			if err != nil {
				continue
			}
			line := experiment.LineOf(experiment.Axis(s.Axis), st)
			gaps[line] = append(gaps[line], experiment.CellGap{Label: cv.Label, Gap: row.AccGapTest, Final: cv.SummaryFinal})
		}
		v.Final = v.Final && cv.SummaryFinal
		v.CellViews = append(v.CellViews, cv)
	}
	v.Status = experiment.StatusOf(statuses)
	if !v.Final {
		// Cells still training have no verdict row yet; the words must still say "so far".
		for line := range gaps {
			gaps[line] = append(gaps[line], experiment.CellGap{Final: false})
		}
	}
	for _, line := range v.Lines {
		if g, ok := gaps[line]; ok {
			v.Crossings = append(v.Crossings, experiment.Crossing(line, g))
		}
	}
	return v, nil
}

func (a *SweepAPI) cellView(ctx context.Context, axis experiment.Axis, e *store.Experiment) (SweepCellView, error) {
	cv := SweepCellView{Index: e.SweepCell, ExperimentID: e.ID, Verdict: []experiment.ArmVerdict{}, Runs: []RunView{}}
	var sum experiment.Summary
	if json.Unmarshal([]byte(e.Summary), &sum) == nil && sum.Verdict != nil {
		cv.Verdict, cv.NoVerdict, cv.SummaryFinal = sum.Verdict, sum.NoVerdict, sum.Final
	}
	var h experiment.Hyper
	_ = json.Unmarshal([]byte(e.Hyper), &h)
	statuses := make([]experiment.RunStatus, 0, len(e.Runs))
	runs := make([]experiment.SweepRun, 0, len(e.Runs))
	for i := range e.Runs {
		r := &e.Runs[i]
		statuses = append(statuses, r.Status)
		cv.Runs = append(cv.Runs, runViewOf(r))
		st, err := experiment.ParseStrategy(r.Strategy)
		if err != nil {
			return cv, err
		}
		sr := experiment.SweepRun{Arm: r.ArmIndex, Replicate: r.Replicate, Strategy: st, Status: r.Status,
			TestAcc: r.TestAcc, Epochs: r.EpochsDone}
		if r.Status == experiment.Succeeded {
			if sr.ValAcc, err = points(ctx, a.DB, r.ID, "val_acc", 0); err != nil {
				return cv, err
			}
			// The run's own training time (steps and evaluations), not its wall-clock span,
			// which also holds the turns its experiment's other arms took.
			if n := len(sr.ValAcc); n > 0 {
				sr.Seconds = sr.ValAcc[n-1].WallTime
			}
		}
		runs = append(runs, sr)
	}
	cv.Status = experiment.StatusOf(statuses)
	cv.Lines = experiment.SweepLines(axis, runs, h.TargetRule())
	return cv, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
