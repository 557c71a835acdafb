package server

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"transferlab/backend/names"
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
	labels, err := a.Exp.DB.RunLabels(c.Request.Context(), []string{r.ID})
	if err != nil {
		fail(c, err)
		return
	}
	l := labels[r.ID]
	v := runViewOf(r)
	a.Exp.markRunPaused(&v)
	c.JSON(http.StatusOK, LabelledRun{RunView: v, Name: l.Name, Tags: l.TagList()})
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

// MetricNames is GET /api/runs/:id/metrics without a name: the curves a run has.
type MetricNames struct {
	RunID string   `json:"run_id"`
	Names []string `json:"names"`
}

// MetricCurve is GET /api/runs/:id/metrics?name=…: one curve, downsampled; total
// counts the points before downsampling.
type MetricCurve struct {
	RunID  string         `json:"run_id"`
	Name   string         `json:"name"`
	Total  int            `json:"total"`
	Points []series.Point `json:"points"`
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
		c.JSON(http.StatusOK, MetricNames{RunID: r.ID, Names: names})
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
	c.JSON(http.StatusOK, MetricCurve{RunID: r.ID, Name: name, Total: total, Points: pts})
}

// Limits on a run's label: a name short enough for a table cell and a legend.
const (
	maxRunNameLen = 40
	maxRunTags    = 8
	maxRunTagLen  = 24
)

type runLabelParams struct {
	Name *string   `json:"name"`
	Tags *[]string `json:"tags"`
}

// LabelledRun is a run with the short name and tags a person gave it.
type LabelledRun struct {
	RunView
	Name string   `json:"name"`
	Tags []string `json:"tags"`
}

// label renames and retags a run: {"name": "...", "tags": [...]}; a field left out stays.
func (a *RunAPI) label(c *gin.Context) {
	ctx := c.Request.Context()
	var p runLabelParams
	const what = `JSON like {"name": "lr 0.01", "tags": ["baseline"]}`
	if err := decodeJSON(c, &p, what); err != nil {
		fail(c, err)
		return
	}
	if p.Name == nil && p.Tags == nil {
		fail(c, badRequest("bad_json", "Nothing to change: send %s.", what))
		return
	}
	r, err := a.Exp.DB.Run(ctx, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	old, err := a.Exp.DB.RunLabels(ctx, []string{r.ID})
	if err != nil {
		fail(c, err)
		return
	}
	name, tags := old[r.ID].Name, old[r.ID].TagList()
	if p.Name != nil {
		if name, err = cleanRunName(*p.Name); err != nil {
			fail(c, err)
			return
		}
	}
	if p.Tags != nil {
		if tags, err = cleanTags(*p.Tags); err != nil {
			fail(c, err)
			return
		}
	}
	l, err := a.Exp.DB.SetRunLabel(ctx, r.ID, name, tags)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, LabelledRun{RunView: runViewOf(r), Name: l.Name, Tags: l.TagList()})
}

// cleanRunName trims a run's name; empty clears it (the strategy names the run again).
// Otherwise it follows the rule for names, at a table cell's length.
func cleanRunName(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	s, err := names.Check("the run name", s, maxRunNameLen)
	if err != nil {
		return "", badRequest("bad_name", "%s.", capitalize(err.Error()))
	}
	return s, nil
}

// cleanTags trims tags, drops empty and repeated ones, and keeps the list short.
func cleanTags(in []string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, t := range in {
		t = strings.TrimSpace(t)
		if t == "" || seen[t] {
			continue
		}
		if _, err := names.Check("the tag "+names.Quote(t, maxRunTagLen), t, maxRunTagLen); err != nil {
			return nil, badRequest("bad_tags", "%s.", capitalize(err.Error()))
		}
		seen[t] = true
		out = append(out, t)
	}
	if len(out) > maxRunTags {
		return nil, badRequest("bad_tags", "A run has at most %d tags, got %d: remove some.", maxRunTags, len(out))
	}
	return out, nil
}

// capitalize starts a message from a rule's error with a capital letter.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
