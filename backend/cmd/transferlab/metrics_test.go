package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// scrapeServer reads a real server's /metrics, summing each metric's samples whose
// series starts with prefix (so worker="host:pid" need not be known).
func scrapeServer(t *testing.T, p *proc, prefix string) float64 {
	t.Helper()
	resp, err := http.Get(p.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %d", resp.StatusCode)
	}
	var sum float64
	found := false
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			t.Fatal(err)
		}
		sum, found = sum+v, true
	}
	if !found {
		t.Fatalf("/metrics has no series %s…", prefix)
	}
	return sum
}

// TestServerReportsTrainingInItsMetrics trains a small experiment in a real server
// process and reads what an operator's Prometheus would.
func TestServerReportsTrainingInItsMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model in a real server process")
	}
	dir := t.TempDir()
	shareBuiltin(t, dir)
	p := startServer(t, dir)
	// 50 training images per class of digits 5-9, one epoch, two arms: 500 samples.
	body := `{"dataset_id":"mnist-5-9-50","base_model_id":"cnn-mnist04","arms":[{"strategy":"finetune"},{"strategy":"scratch"}],"hyper":{"epochs":1}}`
	resp, err := http.Post(p.base+"/api/experiments", "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var exp struct {
		ID   string    `json:"id"`
		Runs []runJSON `json:"runs"`
	}
	if resp.StatusCode != 201 || json.Unmarshal(b, &exp) != nil {
		t.Fatalf("create: %d %s", resp.StatusCode, b)
	}
	// A fresh machine builds the MNIST cache first: give it the restart test's patience.
	deadline := time.Now().Add(3 * time.Minute)
	for !finished(exp.Runs) {
		if time.Now().After(deadline) {
			t.Fatalf("runs did not finish: %+v\n%s", exp.Runs, p.log.String())
		}
		time.Sleep(100 * time.Millisecond)
		p.getJSON(t, "/api/experiments/"+exp.ID, &exp)
	}
	for _, r := range exp.Runs {
		if r.Status != "succeeded" {
			t.Fatalf("run %s: %s %s", r.ID, r.Status, r.Error)
		}
	}
	if got := scrapeServer(t, p, "transferlab_training_samples_total{"); got != 500 {
		t.Fatalf("samples trained = %v, want 500 (2 arms x 250 images x 1 epoch)", got)
	}
	if got := scrapeServer(t, p, "transferlab_training_samples_per_second{"); got != 0 {
		t.Fatalf("samples/s with nothing training = %v, want 0", got)
	}
	// River completes an arm's job just after the run's row says succeeded.
	waitFor(t, func() bool {
		return scrapeServer(t, p, `transferlab_jobs{kind="train_arm",state="running"}`) == 0 &&
			scrapeServer(t, p, `transferlab_jobs{kind="train_arm",state="queued"}`) == 0
	})
	if got := scrapeServer(t, p, `transferlab_http_request_duration_seconds_count{code="201",method="POST",route="/api/experiments"}`); got != 1 {
		t.Fatalf("experiment creations timed = %v, want 1", got)
	}
}

func finished(runs []runJSON) bool {
	for _, r := range runs {
		if r.Status != "succeeded" && r.Status != "failed" && r.Status != "cancelled" {
			return false
		}
	}
	return len(runs) > 0
}
