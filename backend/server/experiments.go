package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"transferlab/backend/jobs"
	"transferlab/backend/store"
)

// Launcher starts and stops training; the jobs package implements it.
type Launcher interface {
	Launch(ctx context.Context, e *store.Experiment) error
	CancelRun(ctx context.Context, runID string) error
}

// ExperimentAPI creates, lists, shows and cancels experiments.
type ExperimentAPI struct {
	DB   *store.DB
	Jobs Launcher
}

type armParams struct {
	Strategy string          `json:"strategy"`
	Hyper    json.RawMessage `json:"hyper"`
}

type experimentParams struct {
	Name        string          `json:"name"`
	DatasetID   string          `json:"dataset_id"`
	BaseModelID string          `json:"base_model_id"`
	Arch        string          `json:"arch"`
	Arms        []armParams     `json:"arms"`
	Hyper       json.RawMessage `json:"hyper"`
}

func badRequest(code, format string, a ...any) *apiError {
	return newError(http.StatusBadRequest, code, fmt.Sprintf(format, a...))
}

// mergeHyper lays the JSON layers over the defaults, later layers winning key by key.
func mergeHyper(layers ...json.RawMessage) (jobs.Hyper, error) {
	h := jobs.DefaultHyper()
	for _, l := range layers {
		if len(l) == 0 || string(l) == "null" {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(string(l)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&h); err != nil {
			return h, err
		}
	}
	return h, h.Validate()
}

func (a *ExperimentAPI) create(c *gin.Context) {
	var p experimentParams
	if err := decodeJSON(c, &p, "an experiment: JSON with dataset_id, base_model_id, arms and hyper"); err != nil {
		fail(c, err)
		return
	}
	e, err := a.build(c.Request.Context(), p)
	if err != nil {
		fail(c, err)
		return
	}
	if err := a.DB.CreateExperiment(c.Request.Context(), e); err != nil {
		fail(c, err)
		return
	}
	if err := a.Jobs.Launch(c.Request.Context(), e); err != nil {
		fail(c, err)
		return
	}
	view, err := a.view(c.Request.Context(), e.ID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, view)
}

// build checks the request and turns it into rows, naming the first problem found.
func (a *ExperimentAPI) build(ctx context.Context, p experimentParams) (*store.Experiment, error) {
	if p.DatasetID == "" {
		return nil, badRequest("missing_dataset", "dataset_id is required: pick a dataset from GET /api/datasets.")
	}
	ds, err := a.lookupDataset(ctx, p.DatasetID)
	if err != nil {
		return nil, err
	}
	if len(p.Arms) == 0 {
		p.Arms = []armParams{{Strategy: "finetune"}, {Strategy: "scratch"}}
	}
	if len(p.Arms) > jobs.MaxArms {
		return nil, badRequest("too_many_arms", "An experiment has at most %d arms, got %d.", jobs.MaxArms, len(p.Arms))
	}
	onlyScratch := true
	for i, arm := range p.Arms {
		if err := jobs.ValidStrategy(arm.Strategy); err != nil {
			return nil, badRequest("bad_strategy", "Arm %d: %v.", i+1, err)
		}
		onlyScratch = onlyScratch && arm.Strategy == "scratch"
	}
	if p.BaseModelID == "" && !onlyScratch {
		return nil, badRequest("missing_base_model", "base_model_id is required for fine-tuning arms: pick one from GET /api/models.")
	}
	if p.BaseModelID == "" && p.Arch == "" {
		return nil, badRequest("missing_arch", "An experiment of scratch arms only needs an arch (mlp, cnn or cnn-deep) or a base_model_id.")
	}
	if p.BaseModelID != "" {
		m, err := a.DB.Model(ctx, p.BaseModelID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, badRequest("unknown_model", "No model %q: pick one from GET /api/models.", p.BaseModelID)
		}
		if err != nil {
			return nil, err
		}
		if p.Arch == "" {
			p.Arch = m.Arch
		}
	}
	shared, err := mergeHyper(p.Hyper)
	if err != nil {
		return nil, badRequest("bad_hyper", "hyper: %v.", err)
	}
	sharedJSON, _ := json.Marshal(shared)
	now := time.Now().UTC()
	if p.Name == "" {
		p.Name = ds.Name + " · from " + p.BaseModelID
		if p.BaseModelID == "" {
			p.Name = ds.Name + " · " + p.Arch + " from scratch"
		}
	}
	e := &store.Experiment{ID: store.NewID("exp"), Name: p.Name, DatasetID: ds.ID, BaseModelID: p.BaseModelID,
		Arch: p.Arch, Hyper: string(sharedJSON), Status: store.StatusQueued, CreatedAt: now, UpdatedAt: now}
	for i, arm := range p.Arms {
		h, err := mergeHyper(sharedJSON, arm.Hyper)
		if err != nil {
			return nil, badRequest("bad_hyper", "Arm %d (%s) hyper: %v.", i+1, arm.Strategy, err)
		}
		hj, _ := json.Marshal(h)
		e.Runs = append(e.Runs, store.Run{ID: store.NewID("run"), ExperimentID: e.ID, ArmIndex: i,
			Strategy: arm.Strategy, Hyper: string(hj), Status: store.StatusQueued, CreatedAt: now, UpdatedAt: now})
	}
	return e, nil
}

func (a *ExperimentAPI) lookupDataset(ctx context.Context, id string) (*store.Dataset, error) {
	ds, err := a.DB.Dataset(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, badRequest("unknown_dataset", "No dataset %q: pick one from GET /api/datasets or upload one.", id)
	}
	if err == nil && ds.Status != "ready" {
		return nil, badRequest("dataset_not_ready", "Dataset %q is %s, not ready: wait for its import to finish.", ds.Name, ds.Status)
	}
	return ds, err
}

func (a *ExperimentAPI) list(c *gin.Context) {
	es, err := a.DB.Experiments(c.Request.Context(), 100)
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]experimentView, 0, len(es))
	for i := range es {
		v, err := a.viewOf(c.Request.Context(), &es[i])
		if err != nil {
			fail(c, err)
			return
		}
		out = append(out, v)
	}
	c.JSON(http.StatusOK, gin.H{"experiments": out})
}

func (a *ExperimentAPI) get(c *gin.Context) {
	v, err := a.view(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

func (a *ExperimentAPI) cancel(c *gin.Context) {
	e, err := a.DB.Experiment(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	for _, r := range e.Runs {
		if !store.Finished(r.Status) {
			if err := a.Jobs.CancelRun(c.Request.Context(), r.ID); err != nil {
				fail(c, err)
				return
			}
		}
	}
	v, err := a.view(c.Request.Context(), e.ID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

func (a *ExperimentAPI) cancelRun(c *gin.Context) {
	r, err := a.DB.Run(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	if store.Finished(r.Status) {
		fail(c, newError(http.StatusConflict, "run_finished", fmt.Sprintf("Run %s already %s; there is nothing to cancel.", r.ID, r.Status)))
		return
	}
	if err := a.Jobs.CancelRun(c.Request.Context(), r.ID); err != nil {
		fail(c, err)
		return
	}
	r, err = a.DB.Run(c.Request.Context(), r.ID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, runViewOf(r))
}
