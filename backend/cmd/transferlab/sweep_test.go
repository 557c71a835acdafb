package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"transferlab/backend/datadir"
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
	shared := filepath.Join(os.TempDir(), "transferlab-test-builtin")
	if err := os.MkdirAll(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(shared, datadir.New(dir).Builtin()); err != nil {
		t.Fatal(err)
	}
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
