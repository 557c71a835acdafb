package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// trained creates a one-epoch experiment and waits for its run to succeed.
func (tg *target) trained(t *testing.T, datasetID string) (string, runView) {
	t.Helper()
	status, _, got := tg.do(t, "POST", "/api/experiments", strings.NewReader(experimentBody(datasetID)), asJSON)
	if status != 201 {
		t.Fatalf("create: %d %s", status, short(got))
	}
	var exp struct{ ID string }
	json.Unmarshal([]byte(got), &exp)
	deadline := time.Now().Add(120 * time.Second)
	for r := tg.run(t, exp.ID); r.Status != "succeeded"; r = tg.run(t, exp.ID) {
		if r.Status == "failed" || r.Status == "cancelled" || time.Now().After(deadline) {
			t.Fatalf("the run did not succeed: %+v\n%s", r, tg.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	r := tg.run(t, exp.ID)
	if r.ModelID == "" {
		t.Fatalf("a succeeded run without its model: %+v", r)
	}
	return exp.ID, r
}

// A run that succeeds keeps no checkpoint (the data directory of the tests grew to
// 1.2 GB of them); deleting an experiment or a trained model through the API removes
// their files: the run's folder (its checkpoint, kept here on purpose) and the model's
// weights.
func TestAttackDeleteTakesTheFilesAlong(t *testing.T) {
	tg := startTarget(t, "")
	ds := tg.tinyDataset(t, "digits.zip")
	_, r := tg.trained(t, ds)
	if left := tg.leftovers(t); len(left) != 0 {
		t.Fatalf("a succeeded run left: %v", left)
	}
	tg.kill()

	// With checkpoints kept, so that deleting has one to remove.
	tg = startTarget(t, tg.dir, "--keep-checkpoints")
	exp, kept := tg.trained(t, ds)
	weights := func(r runView) string { return filepath.Join(tg.dir, "models", "user", r.ModelID+".safetensors") }
	for _, p := range []string{filepath.Join(tg.dir, "runs", kept.ID), weights(kept), weights(r)} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("before the deletes: %v", err)
		}
	}
	if status, _, got := tg.do(t, "DELETE", "/api/models/"+r.ModelID, nil, nil); status != 204 {
		t.Fatalf("delete a trained model: %d %s", status, short(got))
	}
	gone(t, "a deleted model", weights(r))
	if status, _, got := tg.do(t, "DELETE", "/api/experiments/"+exp, nil, nil); status != 204 {
		t.Fatalf("delete an experiment: %d %s", status, short(got))
	}
	gone(t, "a deleted experiment", filepath.Join(tg.dir, "runs", kept.ID), weights(kept))
	for _, path := range []string{"/api/models/" + r.ModelID, "/api/models/" + kept.ModelID, "/api/experiments/" + exp, "/api/runs/" + kept.ID} {
		if status, _, _ := tg.do(t, "GET", path, nil, nil); status != 404 {
			t.Errorf("GET %s after its delete: %d", path, status)
		}
	}
	if left := tg.leftovers(t); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
}

// Scoring a 28x28 upload for a 160x160 model copies it at 3x160x160, 98 times its
// cache: a plain GET made a 147 MB copy past --max-cache-bytes. The copy is now held to
// the server's limits, refused with the reason, and leaves nothing behind.
func TestAttackScoringKeepsTheCacheLimit(t *testing.T) {
	tg := startTarget(t, "", "--max-cache-bytes", "2000000")
	id := tg.uploadDataset(t, "small.zip", classZip(t, 2, 30, 28, 28), nil)
	status, _, body := tg.do(t, "GET", "/api/datasets/"+id+"/transferability?models=mobilenetv2-imagenet-b10", nil, nil)
	var out struct {
		Scores []struct{ ModelID, Error string } `json:"scores"`
	}
	json.Unmarshal([]byte(body), &out)
	if status != 200 || len(out.Scores) != 1 || !strings.Contains(out.Scores[0].Error, "--max-cache-bytes") {
		t.Fatalf("score past the cache limit: %d %s", status, short(body))
	}
	copies, _ := filepath.Glob(filepath.Join(tg.dir, "datasets", id, "*at-*"))
	if left := tg.leftovers(t); len(copies) != 0 || len(left) != 0 {
		t.Fatalf("left behind: %v %v", copies, left)
	}
}
