package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

// SweepLauncher creates a sweep's rows and queues all its runs in one transaction; the
// jobs package implements it.
type SweepLauncher interface {
	LaunchSweep(ctx context.Context, s *store.Sweep, cells []*store.Experiment) error
}

// SweepAPI creates, lists and shows sweeps; cancelling a sweep cancels its cells' runs.
type SweepAPI struct {
	DB   *store.DB
	Jobs SweepLauncher
	Exp  *ExperimentAPI
	Arch Architectures
}

func (a *SweepAPI) create(c *gin.Context) {
	ctx := c.Request.Context()
	var body json.RawMessage
	if err := decodeJSON(c, &body, "a sweep: JSON with dataset_id, base_model_id, hyper, axis, values, strategies and replicates"); err != nil {
		fail(c, err)
		return
	}
	req, err := experiment.DecodeSweepRequest(body)
	if err != nil {
		fail(c, problemError(err))
		return
	}
	plan, err := experiment.CheckSweep(ctx, req, catalog{db: a.DB, arch: a.Arch})
	if err != nil {
		fail(c, problemError(err))
		return
	}
	if a.Jobs == nil {
		fail(c, newError(http.StatusServiceUnavailable, "no_training", "This server cannot queue training; start it with a queue."))
		return
	}
	s, cells := store.NewSweep(plan, time.Now().UTC())
	if err := a.Jobs.LaunchSweep(ctx, s, cells); err != nil {
		fail(c, err)
		return
	}
	v, err := a.view(ctx, s.ID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, v)
}

func (a *SweepAPI) list(c *gin.Context) {
	ctx := c.Request.Context()
	ss, err := a.DB.Sweeps(ctx, 100)
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]SweepListItem, 0, len(ss))
	for i := range ss {
		cells, err := a.DB.SweepCells(ctx, ss[i].ID)
		if err != nil {
			fail(c, err)
			return
		}
		item := SweepListItem{ID: ss[i].ID, Name: ss[i].Name, DatasetID: ss[i].DatasetID, Axis: experiment.Axis(ss[i].Axis),
			CreatedAt: ss[i].CreatedAt, Cells: len(cells), Owned: Owned{OwnerID: ss[i].OwnerID, Shared: ss[i].Shared}}
		_ = json.Unmarshal([]byte(ss[i].Spec), &item.Spec)
		var statuses []experiment.RunStatus
		for _, e := range cells {
			for _, r := range e.Runs {
				statuses = append(statuses, r.Status)
				item.Runs++
				if r.Status.Finished() {
					item.Finished++
				}
			}
		}
		item.Status = experiment.StatusOf(statuses)
		out = append(out, item)
	}
	c.JSON(http.StatusOK, gin.H{"sweeps": out})
}

func (a *SweepAPI) get(c *gin.Context) {
	v, err := a.view(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// cancel stops every unfinished run of every cell.
func (a *SweepAPI) cancel(c *gin.Context) {
	ctx := c.Request.Context()
	s, err := a.DB.Sweep(ctx, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	cells, err := a.DB.SweepCells(ctx, s.ID)
	if err != nil {
		fail(c, err)
		return
	}
	for _, e := range cells {
		for _, r := range e.Runs {
			if r.Status.Finished() {
				continue
			}
			if err := a.Exp.Jobs.CancelRun(ctx, r.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
				fail(c, err)
				return
			}
		}
	}
	v, err := a.view(ctx, s.ID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}
