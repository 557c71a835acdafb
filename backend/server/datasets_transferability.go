package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"transferlab/backend/data"
	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

// Scorer ranks base models for a dataset before anything trains; the jobs package
// implements it, so the server needs no engine.
type Scorer interface {
	Transferability(ctx context.Context, datasetID string, modelIDs []string) (experiment.Transferability, error)
}

// maxScoredModels bounds one ranking's cost: each model runs over up to a thousand images.
const maxScoredModels = 24

// transferability answers GET /api/datasets/:id/transferability?models=a,b (every
// model when models is left out): the models ranked by a cheap score on their frozen
// features, with the seconds it took.
func (a *DatasetAPI) transferability(c *gin.Context) {
	ctx := c.Request.Context()
	if a.Scorer == nil {
		writeError(c, newError(http.StatusServiceUnavailable, "no_workers", "This server does not train (it runs with --workers 0), so it cannot score models; ask a server that trains."))
		return
	}
	row, err := a.DB.Dataset(ctx, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	if row.Status != data.DatasetReady {
		writeError(c, newError(http.StatusConflict, "dataset_not_ready",
			fmt.Sprintf("Dataset %q is %s, not ready: wait for its import to finish.", row.Name, row.Status)))
		return
	}
	var ids []string
	if q := strings.TrimSpace(c.Query("models")); q != "" {
		for _, id := range strings.Split(q, ",") {
			id = strings.TrimSpace(id)
			if _, err := a.DB.Model(ctx, id); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					writeError(c, newError(http.StatusNotFound, "model_not_found",
						fmt.Sprintf("No model %q: send ids from GET /api/models, separated by commas.", id)))
					return
				}
				fail(c, err)
				return
			}
			ids = append(ids, id)
		}
	} else {
		all, err := a.DB.Models(ctx)
		if err != nil {
			fail(c, err)
			return
		}
		for _, m := range all {
			ids = append(ids, m.ID)
		}
	}
	if len(ids) > maxScoredModels {
		writeError(c, newError(http.StatusBadRequest, "too_many_models",
			fmt.Sprintf("%d models asked for; score at most %d at a time with ?models=a,b,...", len(ids), maxScoredModels)))
		return
	}
	out, err := a.Scorer.Transferability(ctx, row.ID, ids)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}
