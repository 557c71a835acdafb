package server

import (
	"context"
	"encoding/json"
	"time"

	"transferlab/backend/series"
	"transferlab/backend/store"
)

type runView struct {
	ID           string          `json:"id"`
	ExperimentID string          `json:"experiment_id"`
	Arm          int             `json:"arm"`
	Strategy     string          `json:"strategy"`
	Status       string          `json:"status"`
	Error        string          `json:"error,omitempty"`
	Steps        int             `json:"steps"`
	TotalSteps   int             `json:"total_steps"`
	EpochsDone   int             `json:"epochs_done"`
	BestValAcc   *float64        `json:"best_val_acc"`
	FinalValAcc  *float64        `json:"final_val_acc"`
	TestAcc      *float64        `json:"test_acc"`
	ModelID      string          `json:"model_id,omitempty"`
	Hyper        json.RawMessage `json:"hyper"`
	StartedAt    *time.Time      `json:"started_at"`
	FinishedAt   *time.Time      `json:"finished_at"`
}

func runViewOf(r *store.Run) runView {
	return runView{ID: r.ID, ExperimentID: r.ExperimentID, Arm: r.ArmIndex, Strategy: r.Strategy,
		Status: r.Status, Error: r.Error, Steps: r.Steps, TotalSteps: r.TotalSteps, EpochsDone: r.EpochsDone,
		BestValAcc: r.BestValAcc, FinalValAcc: r.FinalValAcc, TestAcc: r.TestAcc, ModelID: r.ModelID,
		Hyper: rawJSON(r.Hyper), StartedAt: r.StartedAt, FinishedAt: r.FinishedAt}
}

type experimentView struct {
	ID          string           `json:"id"`
	Name        string           `json:"name"`
	DatasetID   string           `json:"dataset_id"`
	BaseModelID string           `json:"base_model_id"`
	Arch        string           `json:"arch"`
	Status      string           `json:"status"`
	Hyper       json.RawMessage  `json:"hyper"`
	CreatedAt   time.Time        `json:"created_at"`
	Runs        []runView        `json:"runs"`
	Speedup     []series.Speedup `json:"speedup"`

	experimentNames
}

func (a *ExperimentAPI) view(ctx context.Context, id string) (experimentView, error) {
	e, err := a.DB.Experiment(ctx, id)
	if err != nil {
		return experimentView{}, err
	}
	return a.viewOf(ctx, e)
}

func (a *ExperimentAPI) viewOf(ctx context.Context, e *store.Experiment) (experimentView, error) {
	v := experimentView{ID: e.ID, Name: e.Name, DatasetID: e.DatasetID, BaseModelID: e.BaseModelID,
		Arch: e.Arch, Hyper: rawJSON(e.Hyper), CreatedAt: e.CreatedAt, Runs: []runView{},
		Status: experimentStatus(e.Runs)}
	v.DatasetName, v.BaseModelName = namesOf(ctx, a.DB, e)
	for i := range e.Runs {
		v.Runs = append(v.Runs, runViewOf(&e.Runs[i]))
	}
	sp, err := speedups(ctx, a.DB, e)
	v.Speedup = sp
	return v, err
}

// experimentStatus is derived from the arms: running while any runs, queued while any
// waits, otherwise failed or cancelled if any did, else succeeded.
func experimentStatus(runs []store.Run) string {
	count := map[string]int{}
	for _, r := range runs {
		count[r.Status]++
	}
	for _, s := range []string{store.StatusRunning, store.StatusQueued, store.StatusFailed, store.StatusCancelled} {
		if count[s] > 0 {
			return s
		}
	}
	return store.StatusSucceeded
}

// speedups compares every non-scratch arm with the experiment's first scratch arm.
func speedups(ctx context.Context, db *store.DB, e *store.Experiment) ([]series.Speedup, error) {
	out := []series.Speedup{}
	var base *store.Run
	for i := range e.Runs {
		if e.Runs[i].Strategy == "scratch" {
			base = &e.Runs[i]
			break
		}
	}
	if base == nil {
		return out, nil
	}
	var target struct {
		TargetAcc float64 `json:"target_acc"`
	}
	_ = json.Unmarshal([]byte(e.Hyper), &target)
	baseCurves, err := curvesOf(ctx, db, base.ID)
	if err != nil {
		return nil, err
	}
	for i := range e.Runs {
		r := &e.Runs[i]
		if r.ID == base.ID || r.Strategy == "scratch" {
			continue
		}
		c, err := curvesOf(ctx, db, r.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, series.Compare(c, baseCurves, target.TargetAcc))
	}
	return out, nil
}

func curvesOf(ctx context.Context, db *store.DB, runID string) (series.Curves, error) {
	acc, err := points(ctx, db, runID, "val_acc", 0)
	if err != nil {
		return series.Curves{}, err
	}
	loss, err := points(ctx, db, runID, "train_loss", 0)
	return series.Curves{RunID: runID, ValAcc: acc, TrainLoss: loss}, err
}

func points(ctx context.Context, db *store.DB, runID, name string, from int64) ([]series.Point, error) {
	ms, err := db.Metrics(ctx, runID, name, from)
	return toPoints(ms), err
}

func toPoints(ms []store.Metric) []series.Point {
	pts := make([]series.Point, len(ms))
	for i, m := range ms {
		pts[i] = series.Point{Step: m.Step, Epoch: m.Epoch, Value: m.Value, WallTime: m.WallTime}
	}
	return pts
}

// rawJSON passes a stored JSON column through, as null when it is empty.
func rawJSON(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}
