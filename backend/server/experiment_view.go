package server

import (
	"context"
	"encoding/json"
	"time"

	"transferlab/backend/data"
	"transferlab/backend/experiment"
	"transferlab/backend/series"
	"transferlab/backend/store"
)

// RunView is one run as the API shows it.
type RunView struct {
	ID           string               `json:"id"`
	ExperimentID string               `json:"experiment_id"`
	Arm          int                  `json:"arm"`
	Replicate    int                  `json:"replicate"`
	Seed         int64                `json:"seed"`
	Strategy     string               `json:"strategy"`
	Status       experiment.RunStatus `json:"status"`
	Error        string               `json:"error,omitempty"`
	// Paused says why a queued or running run does not train now (the disk is full);
	// it resumes on its own once the cause is gone.
	Paused      string   `json:"paused,omitempty"`
	Steps       int      `json:"steps"`
	TotalSteps  int      `json:"total_steps"`
	EpochsDone  int      `json:"epochs_done"`
	BestValAcc  *float64 `json:"best_val_acc"`
	FinalValAcc *float64 `json:"final_val_acc"`
	TestAcc     *float64 `json:"test_acc"`
	ModelID     string   `json:"model_id,omitempty"`
	// Worker is the queue client whose gate admitted the run, where it trains: a worker
	// process's id (it prints it when it starts) or the server's own workers'.
	Worker     string          `json:"worker,omitempty"`
	Hyper      json.RawMessage `json:"hyper" tstype:"Hyper"`
	StartedAt  *time.Time      `json:"started_at"`
	FinishedAt *time.Time      `json:"finished_at"`
}

func runViewOf(r *store.Run) RunView {
	return RunView{ID: r.ID, ExperimentID: r.ExperimentID, Arm: r.ArmIndex, Replicate: r.Replicate, Seed: r.Seed, Strategy: r.Strategy,
		Status: r.Status, Error: r.Error, Steps: r.Steps, TotalSteps: r.TotalSteps, EpochsDone: r.EpochsDone,
		BestValAcc: r.BestValAcc, FinalValAcc: r.FinalValAcc, TestAcc: r.TestAcc, ModelID: r.ModelID, Worker: r.Worker,
		Hyper: rawJSON(r.Hyper), StartedAt: r.StartedAt, FinishedAt: r.FinishedAt}
}

// ExperimentView is an experiment as the API shows it, with its runs and stored summary.
type ExperimentView struct {
	ID          string                      `json:"id"`
	Name        string                      `json:"name"`
	DatasetID   string                      `json:"dataset_id"`
	BaseModelID string                      `json:"base_model_id"`
	Arch        string                      `json:"arch"`
	Status      experiment.ExperimentStatus `json:"status"`
	Hyper       json.RawMessage             `json:"hyper" tstype:"Hyper"`
	CreatedAt   time.Time                   `json:"created_at"`
	Runs        []LabelledRun               `json:"runs"`
	// Verdict is the stored summary's, so showing an experiment reads no curves: a row
	// per non-scratch arm, ranked. NoVerdict says why there is none.
	Verdict   []experiment.ArmVerdict `json:"verdict"`
	NoVerdict string                  `json:"no_verdict,omitempty"`
	// ReplicateVaries says, in words, what differs between the replicates.
	ReplicateVaries string `json:"replicate_varies"`
	// SummaryFinal is false while a run may still change the verdict ("so far").
	SummaryFinal bool `json:"summary_final"`
	// SweepID names the sweep the experiment is one value of; such an experiment is
	// deleted with its sweep, not alone.
	SweepID string `json:"sweep_id,omitempty"`

	ExperimentNames
	Owned
}

func (a *ExperimentAPI) view(ctx context.Context, id string) (ExperimentView, error) {
	e, err := a.DB.Experiment(ctx, id)
	if err != nil {
		return ExperimentView{}, err
	}
	names, err := loadNames(ctx, a.DB, *e)
	if err != nil {
		return ExperimentView{}, err
	}
	v := viewOf(e, names)
	a.markPaused(&v)
	return v, nil
}

// RunPauses says why a run waits though it is queued or running, "" when it does not:
// the training workers know, the database may be too full to be told.
type RunPauses interface {
	PausedWhy(runID string) string
}

// markPaused fills in why the view's runs wait, where the workers say they do.
func (a *ExperimentAPI) markPaused(v *ExperimentView) {
	for i := range v.Runs {
		a.markRunPaused(&v.Runs[i].RunView)
	}
}

// markRunPaused fills in why an unfinished run waits, where the workers say it does.
func (a *ExperimentAPI) markRunPaused(r *RunView) {
	if a.Pauses != nil && !r.Status.Finished() {
		r.Paused = a.Pauses.PausedWhy(r.ID)
	}
}

func viewOf(e *store.Experiment, names catalogNames) ExperimentView {
	statuses := make([]experiment.RunStatus, len(e.Runs))
	for i := range e.Runs {
		statuses[i] = e.Runs[i].Status
	}
	v := ExperimentView{ID: e.ID, Name: e.Name, DatasetID: e.DatasetID, BaseModelID: e.BaseModelID,
		Arch: e.Arch, Hyper: rawJSON(e.Hyper), CreatedAt: e.CreatedAt, Runs: []LabelledRun{},
		Status: experiment.StatusOf(statuses), Verdict: []experiment.ArmVerdict{}, ExperimentNames: names.of(e),
		SweepID: e.SweepID, Owned: Owned{OwnerID: e.OwnerID, Shared: e.Shared}}
	for i := range e.Runs {
		v.Runs = append(v.Runs, names.run(&e.Runs[i]))
	}
	v.ReplicateVaries = replicateVaries(e.DatasetID)
	var s experiment.Summary
	if json.Unmarshal([]byte(e.Summary), &s) == nil && s.Verdict != nil {
		v.Verdict, v.NoVerdict, v.SummaryFinal = s.Verdict, s.NoVerdict, s.Final
	}
	return v
}

func points(ctx context.Context, db *store.DB, runID, name string, from int64) ([]series.Point, error) {
	ms, err := db.Metrics(ctx, runID, name, from)
	return store.Points(ms), err
}

// rawJSON passes a stored JSON column through, as null when it is empty.
func rawJSON(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}

// replicateVaries is what one replicate changes against another; every arm of a
// replicate shares it, so arm differences are paired.
func replicateVaries(datasetID string) string {
	what := "the seed (the new head's and scratch's initial weights, the batch order and the validation images scored live)"
	if data.SampledBuiltin(datasetID) {
		what += " and the 50-per-class training sample (validation and test stay whole)"
	}
	return what
}

// ExperimentList is GET /api/experiments, newest first.
type ExperimentList struct {
	Experiments []ExperimentView `json:"experiments"`
}
