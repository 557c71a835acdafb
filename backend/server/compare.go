package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"transferlab/backend/series"
)

// compareCurves are the curves a comparison overlays.
var compareCurves = []string{"train_loss", "train_acc", "val_loss", "val_acc"}

// CompareRun is one run of a comparison: its curves, and their best and final values.
type CompareRun struct {
	LabelledRun
	Curves map[string][]series.Point `json:"curves"`
	Best   map[string]float64        `json:"best"`
	Final  map[string]float64        `json:"final"`
}

// HyperDiff is one setting that differs between the compared runs, by run id.
type HyperDiff struct {
	Key    string         `json:"key"`
	Values map[string]any `json:"values"`
}

// Comparison is GET /api/compare.
type Comparison struct {
	Runs      []CompareRun `json:"runs"`
	HyperDiff []HyperDiff  `json:"hyper_diff"`
}

// compare lines up the curves of runs from any experiments, with a table of their best
// and final values and only the settings that differ between them.
func (a *RunAPI) compare(c *gin.Context) {
	ctx := c.Request.Context()
	ids := strings.FieldsFunc(c.Query("runs"), func(r rune) bool { return r == ',' || r == ' ' })
	if len(ids) < 1 || len(ids) > 12 {
		fail(c, badRequest("bad_runs", "Name 1 to 12 runs to compare: ?runs=run_a,run_b."))
		return
	}
	maxPts, err := intQuery(c, "max_points", 1000)
	if err != nil {
		fail(c, err)
		return
	}
	runs, err := a.Exp.DB.RunsByID(ctx, ids)
	if err != nil {
		fail(c, newError(http.StatusNotFound, "unknown_run", fmt.Sprintf("One of the runs %s does not exist: check the ids.", strings.Join(ids, ", "))))
		return
	}
	labels, err := a.Exp.DB.RunLabels(ctx, ids)
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]CompareRun, 0, len(runs))
	hypers := make([]map[string]any, 0, len(runs))
	for i := range runs {
		l := labels[runs[i].ID]
		cr := CompareRun{LabelledRun: LabelledRun{RunView: runViewOf(&runs[i]), Name: l.Name, Tags: l.TagList()}, Curves: map[string][]series.Point{},
			Best: map[string]float64{}, Final: map[string]float64{}}
		for _, name := range compareCurves {
			pts, err := points(ctx, a.Exp.DB, runs[i].ID, name, 0)
			if err != nil {
				fail(c, err)
				return
			}
			if len(pts) == 0 {
				continue
			}
			cr.Final[name] = pts[len(pts)-1].Value
			cr.Best[name] = bestOf(name, pts)
			cr.Curves[name] = series.Downsample(pts, int(max(maxPts, 4)))
		}
		h := map[string]any{}
		_ = json.Unmarshal([]byte(runs[i].Hyper), &h)
		h["strategy"] = runs[i].Strategy
		hypers = append(hypers, h)
		out = append(out, cr)
	}
	c.JSON(http.StatusOK, Comparison{Runs: out, HyperDiff: hyperDiff(ids, hypers)})
}

// hyperDiff keeps only the settings whose values are not the same in every run.
func hyperDiff(ids []string, hypers []map[string]any) []HyperDiff {
	keys := map[string]bool{}
	for _, h := range hypers {
		for k := range h {
			keys[k] = true
		}
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	diff := []HyperDiff{}
	for _, k := range names {
		vals := map[string]any{}
		first, same := "", true
		for i, h := range hypers {
			vals[ids[i]] = h[k]
			enc, _ := json.Marshal(h[k])
			if i == 0 {
				first = string(enc)
			} else if string(enc) != first {
				same = false
			}
		}
		if !same {
			diff = append(diff, HyperDiff{Key: k, Values: vals})
		}
	}
	return diff
}

// bestOf is the lowest loss or the highest accuracy of a curve.
func bestOf(name string, pts []series.Point) float64 {
	lower := strings.HasSuffix(name, "loss")
	best := pts[0].Value
	for _, p := range pts[1:] {
		if (lower && p.Value < best) || (!lower && p.Value > best) {
			best = p.Value
		}
	}
	return best
}
