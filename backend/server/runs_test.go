package server

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

// seedRuns makes an experiment whose fine-tuned arm learns faster than scratch.
func seedRuns(t *testing.T, db *store.DB) (fine, scratch string) {
	t.Helper()
	now := time.Now().UTC()
	e := store.Experiment{ID: "exp_1", Name: "e", DatasetID: "ds", Hyper: `{"lr":0.01}`, CreatedAt: now, UpdatedAt: now,
		Runs: []store.Run{
			{ID: "run_f", ArmIndex: 0, Strategy: "finetune", Hyper: `{"lr":0.01,"seed":1}`, Status: experiment.Succeeded, CreatedAt: now, UpdatedAt: now},
			{ID: "run_s", ArmIndex: 1, Strategy: "scratch", Hyper: `{"lr":0.05,"seed":1}`, Status: experiment.Succeeded, CreatedAt: now, UpdatedAt: now},
		}}
	if err := db.CreateExperiment(context.Background(), &e, nil); err != nil {
		t.Fatal(err)
	}
	var pts []store.Metric
	for step := int64(1); step <= 5000; step++ {
		f, s := 1/float64(step), 2/float64(step)
		if step == 3333 {
			s = 9 // a spike the downsampling must keep
		}
		pts = append(pts, store.Metric{RunID: "run_f", Name: "train_loss", Step: step, Value: f},
			store.Metric{RunID: "run_s", Name: "train_loss", Step: step, Value: s})
		if step%500 == 0 {
			pts = append(pts, store.Metric{RunID: "run_f", Name: "val_acc", Step: step, Value: 0.8 + float64(step)/50000, WallTime: float64(step)},
				store.Metric{RunID: "run_s", Name: "val_acc", Step: step, Value: 0.5 + float64(step)/20000, WallTime: float64(step)})
		}
	}
	if err := db.AddMetrics(context.Background(), pts); err != nil {
		t.Fatal(err)
	}
	// What the runner does when a run finishes.
	if err := db.RefreshSummary(context.Background(), "exp_1"); err != nil {
		t.Fatal(err)
	}
	return "run_f", "run_s"
}

func TestMetricsAreDownsampledKeepingSpikes(t *testing.T) {
	ts := newTestServer(t)
	seedRuns(t, ts.db)
	status, _, body := ts.do(t, "GET", "/api/runs/run_s/metrics?name=train_loss&max_points=100", "")
	var res struct {
		Total  int `json:"total"`
		Points []struct {
			Step  int64   `json:"step"`
			Value float64 `json:"value"`
		} `json:"points"`
	}
	if status != 200 || json.Unmarshal([]byte(body), &res) != nil {
		t.Fatalf("%d %s", status, body)
	}
	spike := false
	for _, p := range res.Points {
		spike = spike || p.Value == 9
	}
	if res.Total != 5000 || len(res.Points) > 100 || !spike {
		t.Fatalf("total %d, %d points, spike kept %v", res.Total, len(res.Points), spike)
	}
	status, _, body = ts.do(t, "GET", "/api/runs/run_s/metrics?name=train_loss&from_step=4990", "")
	if json.Unmarshal([]byte(body), &res) != nil || len(res.Points) != 11 || res.Points[0].Step != 4990 {
		t.Fatalf("from_step: %d %s", status, body)
	}
	status, _, body = ts.do(t, "GET", "/api/runs/run_s/metrics?name=train_loss&from_step=100&to_step=109", "")
	if json.Unmarshal([]byte(body), &res) != nil || res.Total != 10 || res.Points[9].Step != 109 {
		t.Fatalf("a zoomed range: %d %s", status, body)
	}
	status, _, body = ts.do(t, "GET", "/api/runs/run_s/metrics?name=train_loss&max_points=lots", "")
	if status != 400 || errorCode(t, body) != "bad_query" {
		t.Fatalf("bad max_points: %d %s", status, body)
	}
}

func TestExperimentReportsSpeedupAndCompareDiffsHyper(t *testing.T) {
	ts := newTestServer(t)
	seedRuns(t, ts.db)
	_, _, body := ts.do(t, "GET", "/api/experiments/exp_1", "")
	var e struct {
		Status  string `json:"status"`
		Speedup []struct {
			RunID      string   `json:"run_id"`
			VsRunID    string   `json:"vs_run_id"`
			Reached    bool     `json:"reached"`
			StepsRatio *float64 `json:"steps_ratio"`
			AccGap     *float64 `json:"acc_gap"`
		} `json:"speedup"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatal(err)
	}
	// scratch's best (0.75 at step 5000) is first reached by fine-tuning at step 500.
	if e.Status != "succeeded" || len(e.Speedup) != 1 || e.Speedup[0].RunID != "run_f" || e.Speedup[0].VsRunID != "run_s" ||
		!e.Speedup[0].Reached || *e.Speedup[0].StepsRatio != 10 {
		t.Fatalf("experiment %s", body)
	}

	_, _, body = ts.do(t, "GET", "/api/compare?runs=run_f,run_s&max_points=50", "")
	var c struct {
		Runs []struct {
			ID     string                       `json:"id"`
			Curves map[string][]json.RawMessage `json:"curves"`
			Best   map[string]float64           `json:"best"`
		} `json:"runs"`
		HyperDiff []struct {
			Key    string         `json:"key"`
			Values map[string]any `json:"values"`
		} `json:"hyper_diff"`
	}
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Runs) != 2 || c.Runs[0].ID != "run_f" || len(c.Runs[0].Curves["train_loss"]) > 50 || c.Runs[1].Best["train_loss"] != 2.0/5000 {
		t.Fatalf("compare runs: %s", body)
	}
	keys := []string{}
	for _, d := range c.HyperDiff {
		keys = append(keys, d.Key)
	}
	if len(keys) != 2 || keys[0] != "lr" || keys[1] != "strategy" {
		t.Fatalf("hyper diff keys %v, want only lr and strategy", keys)
	}
}
