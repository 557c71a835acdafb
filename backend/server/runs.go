package server

import (
	"math"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"transferlab/backend/series"
	"transferlab/backend/store"
)

// RunAPI serves one run and its curves.
type RunAPI struct {
	Exp *ExperimentAPI
}

func (a *RunAPI) get(c *gin.Context) {
	r, err := a.Exp.DB.Run(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, runViewOf(r))
}

// intQuery reads an optional non-negative integer query parameter.
func intQuery(c *gin.Context, key string, def int64) (int64, error) {
	s := c.Query(key)
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, badRequest("bad_query", "%s must be a whole number of at least 0, got %q.", key, s)
	}
	return n, nil
}

// metrics returns one curve of a run, downsampled to max_points with every extreme kept.
func (a *RunAPI) metrics(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := a.Exp.DB.Run(ctx, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	name := c.Query("name")
	if name == "" {
		names, err := a.Exp.DB.MetricNames(ctx, r.ID)
		if err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"run_id": r.ID, "names": names})
		return
	}
	from, err := intQuery(c, "from_step", 0)
	if err != nil {
		fail(c, err)
		return
	}
	to, err := intQuery(c, "to_step", math.MaxInt64)
	if err != nil {
		fail(c, err)
		return
	}
	maxPts, err := intQuery(c, "max_points", 2000)
	if err != nil {
		fail(c, err)
		return
	}
	ms, err := a.Exp.DB.MetricRange(ctx, r.ID, name, from, to)
	if err != nil {
		fail(c, err)
		return
	}
	pts := store.Points(ms)
	total := len(pts)
	pts = series.Downsample(pts, int(max(maxPts, 4)))
	c.JSON(http.StatusOK, gin.H{"run_id": r.ID, "name": name, "total": total, "points": pts})
}
