package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"
)

// sweepJSON is the part of GET /api/sweeps/:id the tests read.
type sweepJSON struct {
	ID        string   `json:"id"`
	Status    string   `json:"status"`
	Runs      int      `json:"runs"`
	Finished  int      `json:"finished"`
	Final     bool     `json:"final"`
	Lines     []string `json:"lines"`
	Crossings []string `json:"crossings"`
	CellViews []struct {
		Value        string `json:"value"`
		ExperimentID string `json:"experiment_id"`
		Verdict      []struct {
			Strategy   string `json:"strategy"`
			AccGapTest struct {
				Mean *float64 `json:"mean"`
			} `json:"acc_gap_test"`
		} `json:"verdict"`
		Lines []struct {
			Line    string `json:"line"`
			Done    int    `json:"done"`
			TestAcc struct {
				Value *float64 `json:"value"`
				Lo    *float64 `json:"lo"`
				Hi    *float64 `json:"hi"`
			} `json:"test_acc"`
			StepsToTarget struct {
				Value *float64 `json:"value"`
			} `json:"steps_to_target"`
		} `json:"lines"`
		Runs []struct {
			ID         string `json:"id"`
			Strategy   string `json:"strategy"`
			Status     string `json:"status"`
			Steps      int    `json:"steps"`
			TotalSteps int    `json:"total_steps"`
		} `json:"runs"`
	} `json:"cell_views"`
}

func sweepServer(t *testing.T) *proc {
	t.Helper()
	if testing.Short() {
		t.Skip("trains models in a real server process")
	}
	dir := t.TempDir()
	shareBuiltin(t, dir)
	return startServer(t, dir)
}

func postSweep(t *testing.T, p *proc, body string) sweepJSON {
	t.Helper()
	resp, err := http.Post(p.base+"/api/sweeps", "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var s sweepJSON
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(b, &s) != nil {
		t.Fatalf("create sweep: %d %s", resp.StatusCode, b)
	}
	return s
}

func TestLabelsSweepTrainsEveryCellAsRuns(t *testing.T) {
	p := sweepServer(t)
	s := postSweep(t, p, `{"dataset_id":"mnist-5-9-50","base_model_id":"cnn-mnist04","axis":"labels_per_class",
		"values":[2,10],"strategies":["finetune","scratch"],"replicates":2,
		"hyper":{"epochs":2,"batch_size":8,"val_limit":100,"eval_every":1}}`)
	if len(s.CellViews) != 2 || s.Runs != 8 {
		t.Fatalf("cells %d, runs %d", len(s.CellViews), s.Runs)
	}
	deadline := time.Now().Add(4 * time.Minute)
	for !s.Final || s.Finished < s.Runs {
		if time.Now().After(deadline) {
			t.Fatalf("sweep did not finish: %+v\n%s", s, p.log.String())
		}
		time.Sleep(200 * time.Millisecond)
		p.getJSON(t, "/api/sweeps/"+s.ID, &s)
	}
	if s.Status != "succeeded" {
		t.Fatalf("sweep %s: %+v", s.Status, s)
	}
	// 5 classes: 2 per class is 10 images (2 batches of 8), 10 per class 50 (7 batches).
	for i, wantSteps := range []int{2 * 2, 7 * 2} {
		c := s.CellViews[i]
		for _, r := range c.Runs {
			if r.Status != "succeeded" || r.Steps != wantSteps {
				t.Fatalf("cell %s run %s: %s after %d steps, want %d", c.Value, r.Strategy, r.Status, r.Steps, wantSteps)
			}
			// A cell's runs are ordinary runs.
			var run runJSON
			p.getJSON(t, "/api/runs/"+r.ID, &run)
			if run.Status != "succeeded" {
				t.Fatalf("run %s reads %+v", r.ID, run)
			}
		}
		var exp struct {
			Runs []runJSON `json:"runs"`
		}
		p.getJSON(t, "/api/experiments/"+c.ExperimentID, &exp)
		if len(exp.Runs) != 4 {
			t.Fatalf("cell experiment has %d runs", len(exp.Runs))
		}
		if len(c.Verdict) != 1 || c.Verdict[0].Strategy != "finetune" || c.Verdict[0].AccGapTest.Mean == nil {
			t.Fatalf("cell %s verdict %+v", c.Value, c.Verdict)
		}
		if len(c.Lines) != 2 || c.Lines[0].Line != "finetune" || c.Lines[0].Done != 2 || c.Lines[0].TestAcc.Lo == nil {
			t.Fatalf("cell %s lines %+v", c.Value, c.Lines)
		}
	}
	if len(s.Crossings) != 1 || s.Crossings[0] == "" {
		t.Fatalf("crossings %q", s.Crossings)
	}
}

func TestCancellingASweepCancelsItsRuns(t *testing.T) {
	p := sweepServer(t)
	s := postSweep(t, p, `{"dataset_id":"mnist-5-9-50","base_model_id":"cnn-mnist04","axis":"lr",
		"values":[0.001,0.01,0.1],"replicates":1,"hyper":{"epochs":50,"val_limit":100}}`)
	waitForLong(t, time.Minute, func() bool {
		p.getJSON(t, "/api/sweeps/"+s.ID, &s)
		return s.Status == "running"
	})
	resp, err := http.Post(p.base+"/api/sweeps/"+s.ID+"/cancel", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("cancel: %d", resp.StatusCode)
	}
	waitForLong(t, time.Minute, func() bool {
		p.getJSON(t, "/api/sweeps/"+s.ID, &s)
		return s.Finished == s.Runs
	})
	if s.Status != "cancelled" {
		t.Fatalf("sweep after cancel: %s", s.Status)
	}
	for _, c := range s.CellViews {
		for _, r := range c.Runs {
			if r.Status != "cancelled" || r.Steps >= r.TotalSteps && r.TotalSteps > 0 {
				t.Fatalf("cell %s run %s: %s at %d/%d steps", c.Value, r.Strategy, r.Status, r.Steps, r.TotalSteps)
			}
		}
	}
}

// waitSweep polls until every run of the sweep finished and its summary is final.
func waitSweep(t *testing.T, p *proc, s *sweepJSON, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !s.Final || s.Finished < s.Runs {
		if time.Now().After(deadline) {
			t.Fatalf("sweep %s did not finish: %d of %d runs\n%s", s.ID, s.Finished, s.Runs, p.log.String())
		}
		time.Sleep(200 * time.Millisecond)
		p.getJSON(t, "/api/sweeps/"+s.ID, s)
	}
}

func TestFreezeBaseModelAndRateSweepsTrain(t *testing.T) {
	p := sweepServer(t)
	small := `"hyper":{"epochs":1,"batch_size":16,"val_limit":100,"eval_every":2}`
	freeze := postSweep(t, p, `{"dataset_id":"mnist-5-9-50","base_model_id":"cnn-mnist04","axis":"freeze_depth",
		"values":["linear-probe",0,2],"replicates":2,`+small+`}`)
	models := postSweep(t, p, `{"dataset_id":"mnist-5-9-50","axis":"base_model",
		"values":["cnn-mnist04","cnn-fashion04"],"replicates":1,`+small+`}`)
	rates := postSweep(t, p, `{"dataset_id":"mnist-5-9-50","base_model_id":"cnn-mnist04","axis":"lr",
		"values":[0.1,0.001],"strategies":["finetune"],"replicates":1,`+small+`}`)
	for _, s := range []*sweepJSON{&freeze, &models, &rates} {
		waitSweep(t, p, s, 4*time.Minute)
		if s.Status != "succeeded" {
			t.Fatalf("sweep %s: %s", s.ID, s.Status)
		}
	}
	// Frozen depth: one "frozen" line whose strategy is the value, next to scratch, with
	// seconds per epoch for the cost side.
	if len(freeze.Lines) != 2 || freeze.Lines[0] != "frozen" || freeze.Lines[1] != "scratch" {
		t.Fatalf("freeze lines %v", freeze.Lines)
	}
	for i, want := range []string{"finetune", "freeze:2", "linear-probe"} {
		c := freeze.CellViews[i]
		if c.Runs[0].Strategy != want || c.Runs[1].Strategy != "scratch" || len(c.Verdict) != 1 {
			t.Fatalf("freeze cell %s: runs %+v verdict %+v", c.Value, c.Runs, c.Verdict)
		}
	}
	var raw struct {
		CellViews []struct {
			Lines []struct {
				SecondsPerEpoch struct {
					Value *float64 `json:"value"`
				} `json:"seconds_per_epoch"`
			} `json:"lines"`
		} `json:"cell_views"`
	}
	p.getJSON(t, "/api/sweeps/"+freeze.ID, &raw)
	if v := raw.CellViews[2].Lines[0].SecondsPerEpoch.Value; v == nil || *v <= 0 {
		t.Fatalf("linear probe has no seconds per epoch: %v", v)
	}
	// Base model: each cell starts from its own model, with scratch beside it.
	for i, model := range []string{"cnn-mnist04", "cnn-fashion04"} {
		var exp struct {
			BaseModelID string    `json:"base_model_id"`
			Runs        []runJSON `json:"runs"`
		}
		p.getJSON(t, "/api/experiments/"+models.CellViews[i].ExperimentID, &exp)
		if exp.BaseModelID != model || len(exp.Runs) != 2 {
			t.Fatalf("base model cell %d: %s with %d runs", i, exp.BaseModelID, len(exp.Runs))
		}
	}
	// Learning rate: values in axis order, each cell training at its own rate.
	for i, lr := range []float64{0.001, 0.1} {
		var run struct {
			Hyper struct {
				LR float64 `json:"lr"`
			} `json:"hyper"`
		}
		p.getJSON(t, "/api/runs/"+rates.CellViews[i].Runs[0].ID, &run)
		if run.Hyper.LR != lr {
			t.Fatalf("lr cell %d trained at %v, want %v", i, run.Hyper.LR, lr)
		}
	}
	if len(rates.Crossings) != 0 {
		t.Fatalf("a sweep without scratch has no crossing to state: %q", rates.Crossings)
	}
}
