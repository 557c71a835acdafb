package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

// Launcher creates an experiment's rows and queues its training in one transaction,
// and stops training; the jobs package implements it.
type Launcher interface {
	Launch(ctx context.Context, e *store.Experiment) error
	CancelRun(ctx context.Context, runID string) error
}

// ExperimentAPI creates, lists, shows and cancels experiments.
type ExperimentAPI struct {
	DB   *store.DB
	Jobs Launcher
	Arch Architectures
	// Pauses says which runs wait for disk space; nil when nothing trains here.
	Pauses RunPauses
}

func badRequest(code, format string, a ...any) *apiError {
	return newError(http.StatusBadRequest, code, fmt.Sprintf(format, a...))
}

func (a *ExperimentAPI) create(c *gin.Context) {
	ctx := c.Request.Context()
	var body json.RawMessage
	if err := decodeJSON(c, &body, "an experiment: JSON with dataset_id, base_model_id, arms and hyper"); err != nil {
		fail(c, err)
		return
	}
	e, err := a.build(ctx, body)
	if err != nil {
		fail(c, err)
		return
	}
	if err := a.Jobs.Launch(ctx, e); err != nil {
		fail(c, err)
		return
	}
	view, err := a.view(ctx, e.ID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, view)
}

// build checks the request by the experiment's rules and turns it into rows.
func (a *ExperimentAPI) build(ctx context.Context, body []byte) (*store.Experiment, error) {
	req, err := experiment.DecodeRequest(body)
	if err != nil {
		return nil, problemError(err)
	}
	plan, err := experiment.Check(ctx, req, catalog{db: a.DB, arch: a.Arch})
	if err != nil {
		return nil, problemError(err)
	}
	return store.NewExperiment(plan, time.Now().UTC()), nil
}

// problemError turns a refusal of the rules into a 400 with the rules' own message.
func problemError(err error) error {
	var p *experiment.Problem
	if errors.As(err, &p) {
		return newError(http.StatusBadRequest, p.Code, p.Message)
	}
	return err
}

func (a *ExperimentAPI) list(c *gin.Context) {
	es, err := a.DB.Experiments(c.Request.Context(), 100)
	if err != nil {
		fail(c, err)
		return
	}
	names, err := loadNames(c.Request.Context(), a.DB, es...)
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]ExperimentView, 0, len(es))
	for i := range es {
		v := viewOf(&es[i], names)
		a.markPaused(&v)
		out = append(out, v)
	}
	c.JSON(http.StatusOK, ExperimentList{Experiments: out})
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
		if !r.Status.Finished() {
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
	if r.Status.Finished() {
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
