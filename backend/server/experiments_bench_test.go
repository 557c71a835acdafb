package server

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

// seedListed makes n finished experiments of two arms with points points each in all
// (train loss every step, validation accuracy every 50 steps), the way a busy lab's
// database looks, and stores each one's summary as the runner does when runs finish.
func seedListed(b *testing.B, db *store.DB, n, points int) {
	b.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	perRun := points / 2
	var summary string
	for i := 0; i < n; i++ {
		e := &store.Experiment{ID: fmt.Sprintf("exp_%04d", i), Name: "e", DatasetID: "ds", Hyper: "{}", Summary: "{}",
			CreatedAt: now.Add(time.Duration(i) * time.Second), UpdatedAt: now}
		for a, s := range []string{"finetune", "scratch"} {
			e.Runs = append(e.Runs, store.Run{ID: fmt.Sprintf("run_%04d_%d", i, a), ExperimentID: e.ID, ArmIndex: a,
				Strategy: s, Hyper: "{}", Status: experiment.Succeeded, CreatedAt: now, UpdatedAt: now})
		}
		if err := db.CreateExperiment(ctx, e, nil); err != nil {
			b.Fatal(err)
		}
		pts := make([]store.Metric, 0, points)
		for a, run := range e.Runs {
			speed := float64(a + 1)
			for step := int64(1); len(pts) < (a+1)*perRun; step++ {
				pts = append(pts, store.Metric{RunID: run.ID, Name: "train_loss", Step: step, Value: speed / float64(step)})
				if step%50 == 0 && len(pts) < (a+1)*perRun {
					pts = append(pts, store.Metric{RunID: run.ID, Name: "val_acc", Step: step,
						Value: 1 - math.Exp(-float64(step)/(500*speed)), WallTime: float64(step) / 100})
				}
			}
		}
		if err := db.AddMetrics(ctx, pts); err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			if _, err := db.RefreshSummary(ctx, e.ID); err != nil {
				b.Fatal(err)
			}
			got, _ := db.Experiment(ctx, e.ID)
			summary = got.Summary
		} else if err := db.SetSummary(ctx, e.ID, summary); err != nil {
			b.Fatal(err)
		}
	}
}

const benchExperiments = 1000

var (
	listed    *testServer
	listedDir string
)

// TestMain removes the benchmark's database (about a gigabyte) once every test and
// benchmark of the package has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if listed != nil {
		listed.Close()
		listed.db.Close()
		os.RemoveAll(listedDir)
	}
	os.Exit(code)
}

// listedServer seeds once per process, so -count rounds measure the same database.
func listedServer(b *testing.B) *testServer {
	if listed == nil {
		dir, err := os.MkdirTemp("", "transferlab-bench-")
		if err != nil {
			b.Fatal(err)
		}
		listedDir = dir
		db, err := store.Open(context.Background(), filepath.Join(dir, "t.db"))
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		seedListed(b, db, benchExperiments, 10000)
		b.Logf("seeded %d experiments of 10,000 points in %s", benchExperiments, time.Since(start).Round(time.Second))
		listed = &testServer{Server: httptest.NewServer(New(Deps{Version: "bench", DB: db, Queue: okPinger{}})), db: db}
	}
	return listed
}

// BenchmarkListExperiments is GET /api/experiments on 1,000 experiments of 10,000
// points each. "recompute" is what the route did before summaries were stored: read
// every curve of every listed experiment and compare them.
func BenchmarkListExperiments(b *testing.B) {
	ts := listedServer(b)
	b.Run("route", func(b *testing.B) {
		for b.Loop() {
			resp, err := http.Get(ts.URL + "/api/experiments")
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatal(resp.Status)
			}
		}
	})
	b.Run("recompute", func(b *testing.B) {
		ctx := context.Background()
		for b.Loop() {
			es, err := ts.db.Experiments(ctx, 100)
			if err != nil {
				b.Fatal(err)
			}
			for _, e := range es {
				if _, err := ts.db.RefreshSummary(ctx, e.ID); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
