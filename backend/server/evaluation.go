package server

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"transferlab/backend/store"
)

// evaluation returns a finished run's test evaluation: per-class metrics, confusion
// matrix, misclassified images and weight drift.
func (a *RunAPI) evaluation(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := a.Exp.DB.Run(ctx, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	ev, err := a.Exp.DB.Evaluation(ctx, r.ID)
	if errors.Is(err, store.ErrNotFound) {
		fail(c, newError(http.StatusNotFound, "not_evaluated",
			"Run "+r.ID+" is "+string(r.Status)+" and has no evaluation; runs are evaluated on the test split when they finish."))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", []byte(ev))
}
