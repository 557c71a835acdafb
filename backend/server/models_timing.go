package server

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"transferlab/backend/experiment"
)

// Timer measures a base model's speed at each input size it takes; the jobs package
// implements it, so the server needs no engine.
type Timer interface {
	ModelTiming(ctx context.Context, modelID string, sizes []int) (experiment.ModelTiming, error)
}

// timing answers GET /api/models/:id/timing: the model's speed measured on this server
// at each input size it can train at (its own size only, for most models), from which
// the wizard shows the expected time per epoch. Each size is measured once per process.
func (a *ModelAPI) timing(c *gin.Context) {
	ctx := c.Request.Context()
	if a.Timer == nil {
		writeError(c, newError(http.StatusServiceUnavailable, "no_workers", "This server does not train (it runs with --workers 0), so it cannot time models; ask a server that trains."))
		return
	}
	m, err := a.DB.Model(ctx, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	sizes := experiment.InputSizes(m.Arch)
	if len(sizes) == 0 {
		if m.Height != m.Width {
			writeError(c, newError(http.StatusConflict, "not_square",
				fmt.Sprintf("Model %q takes %dx%d images; only square inputs are timed.", m.Name, m.Height, m.Width)))
			return
		}
		sizes = []int{m.Height}
	}
	out, err := a.Timer.ModelTiming(ctx, m.ID, sizes)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}
