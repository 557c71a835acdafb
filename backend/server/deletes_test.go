package server

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"transferlab/backend/datadir"
	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

// errorMessage is the message of an error answer, unquoted.
func errorMessage(t *testing.T, body string) string {
	t.Helper()
	var e struct {
		Error struct{ Message string } `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("body is not the error shape: %s", body)
	}
	return e.Error.Message
}

// seedExperiment stores an experiment with one run of each status given, based on
// base (a model id, or "").
func seedExperiment(t *testing.T, db *store.DB, base string, statuses ...string) *store.Experiment {
	t.Helper()
	now := time.Now().UTC()
	e := &store.Experiment{ID: store.NewID("exp"), Name: "e " + base, DatasetID: "ds_ready", BaseModelID: base, CreatedAt: now, UpdatedAt: now}
	for i, s := range statuses {
		e.Runs = append(e.Runs, store.Run{ID: store.NewID("run"), ExperimentID: e.ID, ArmIndex: i, Strategy: "scratch", Status: experiment.RunStatus(s), Hyper: "{}", CreatedAt: now, UpdatedAt: now})
	}
	if err := db.CreateExperiment(context.Background(), e, nil); err != nil {
		t.Fatal(err)
	}
	return e
}

// serverOnDataDir is a test server whose trained models and checkpoints live in a data
// directory of its own, so a delete can be seen to take their files.
func serverOnDataDir(t *testing.T) (*testServer, datadir.Layout) {
	t.Helper()
	dirs := datadir.New(t.TempDir())
	if err := dirs.Prepare(); err != nil {
		t.Fatal(err)
	}
	ts := newTestServer(t, func(d *Deps) { d.DataDir = dirs })
	seedCatalog(t, ts.db)
	return ts, dirs
}

// trainedModel records the model run trained, named name, with a weights file, and
// links the run to it; it returns the model's id and its weights file.
func trainedModel(t *testing.T, ts *testServer, dirs datadir.Layout, run store.Run, name string) (string, string) {
	t.Helper()
	ctx, now := context.Background(), time.Now().UTC()
	id := "model-" + run.ID[len("run_"):]
	rel, weights := dirs.UserModel(id)
	if err := ts.db.CreateModel(ctx, &store.Model{ID: id, Name: name, Arch: "mlp", Path: filepath.ToSlash(rel), Source: store.SourceRun, RunID: &run.ID, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := ts.db.UpdateRun(ctx, run.ID, store.RunPatch{ModelID: store.Set(id)}); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Dir(weights), 0o755)
	if err := os.WriteFile(weights, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	return id, weights
}

func TestDeleteExperimentsAndModelsUnlessInUse(t *testing.T) {
	ts, dirs := serverOnDataDir(t)
	ctx := context.Background()
	done := seedExperiment(t, ts.db, "", "succeeded", "failed")
	run := done.Runs[0]
	modelID, weights := trainedModel(t, ts, dirs, run, "trained")
	if err := ts.db.AddMetrics(ctx, []store.Metric{{RunID: run.ID, Name: "train_loss", Step: 1, Value: 1}}); err != nil {
		t.Fatal(err)
	}
	checkpoint := dirs.Checkpoint(done.Runs[1].ID)
	os.MkdirAll(filepath.Dir(checkpoint), 0o755)
	if err := os.WriteFile(checkpoint, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Another experiment is still training from the trained model.
	user := seedExperiment(t, ts.db, modelID, "running")
	training := seedExperiment(t, ts.db, "", "succeeded", "queued")

	// Each refusal says what blocks it and what to do: the experiment's own runs are
	// cancelled on it, another experiment's training is waited for or cancelled there.
	cases := []struct {
		name, path string
		wantStatus int
		wantCode   string
		wantSaid   string
	}{
		{"zoo model", "/api/models/cnn-mnist04", 409, "zoo_model", "model zoo"},
		{"model a training starts from", "/api/models/" + modelID, 409, "model_in_use", `base of experiment "e ` + modelID + `", which is still training. Cancel that experiment or wait for it to finish, then delete the model.`},
		{"experiment whose model is in use", "/api/experiments/" + done.ID, 409, "experiment_in_use", `its trained model ` + modelID + ` is the base of experiment "e ` + modelID + `", which is still training. Cancel that experiment or wait for it to finish, then delete this one.`},
		{"experiment still training", "/api/experiments/" + training.ID, 409, "experiment_in_use", "is queued. Cancel it or wait for it to finish, then delete it."},
		{"unknown experiment", "/api/experiments/exp_nope", 404, "not_found", ""},
		{"unknown model", "/api/models/model-nope", 404, "not_found", ""},
	}
	for _, tc := range cases {
		status, _, body := ts.do(t, "DELETE", tc.path, "")
		if status != tc.wantStatus || errorCode(t, body) != tc.wantCode || !strings.Contains(errorMessage(t, body), tc.wantSaid) {
			t.Errorf("%s: %d %s, want %d %s saying %s", tc.name, status, body, tc.wantStatus, tc.wantCode, tc.wantSaid)
		}
	}
	if _, err := os.Stat(weights); err != nil {
		t.Fatal("a refused delete removed the weights")
	}

	if _, err := ts.db.SetRunStatusUnlessFinished(ctx, user.Runs[0].ID, experiment.Succeeded, store.RunPatch{}); err != nil {
		t.Fatal(err)
	}
	if status, _, body := ts.do(t, "DELETE", "/api/experiments/"+done.ID, ""); status != 204 {
		t.Fatalf("delete finished experiment: %d %s", status, body)
	}
	if _, err := ts.db.Experiment(ctx, done.ID); err != store.ErrNotFound {
		t.Fatalf("experiment still there: %v", err)
	}
	if _, err := ts.db.Model(ctx, modelID); err != store.ErrNotFound {
		t.Fatalf("its model is still listed: %v", err)
	}
	if pts, err := ts.db.Metrics(ctx, run.ID, "train_loss", 0); err != nil || len(pts) != 0 {
		t.Fatalf("its metrics remain: %d %v", len(pts), err)
	}
	for _, p := range []string{weights, filepath.Dir(checkpoint)} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Fatalf("%s left behind", p)
		}
	}
	// A trained model on its own goes with its weights; its run forgets it.
	other := training.Runs[0]
	otherID, otherWeights := trainedModel(t, ts, dirs, other, "other")
	if status, _, body := ts.do(t, "DELETE", "/api/models/"+otherID, ""); status != 204 {
		t.Fatalf("delete trained model: %d %s", status, body)
	}
	if r, _ := ts.db.Run(ctx, other.ID); r.ModelID != "" {
		t.Fatalf("run still names the deleted model %q", r.ModelID)
	}
	if _, err := os.Stat(otherWeights); !os.IsNotExist(err) {
		t.Fatal("weights of the deleted model left behind")
	}
	// The experiment that used the model keeps its own rows.
	if _, err := ts.db.Experiment(ctx, user.ID); err != nil {
		t.Fatal(err)
	}
}

// TestDeleteSweepWholeNotOneCell: a sweep's experiment cannot go alone (the sweep would
// lose a value of its axis without a word); the sweep goes whole once nothing trains,
// with every cell's runs, points and trained models.
func TestDeleteSweepWholeNotOneCell(t *testing.T) {
	ts, dirs := serverOnDataDir(t)
	ctx := context.Background()
	now := time.Now().UTC()
	sw := &store.Sweep{ID: store.NewID("swp"), Name: "how many labels", DatasetID: "ds_ready", Axis: "labels_per_class", Spec: "{}", CreatedAt: now, UpdatedAt: now}
	var cells []*store.Experiment
	for i, status := range []experiment.RunStatus{experiment.Succeeded, experiment.Running} {
		e := &store.Experiment{ID: store.NewID("exp"), Name: fmt.Sprintf("cell %d", i), DatasetID: "ds_ready", Hyper: "{}", Summary: "{}",
			SweepID: sw.ID, SweepCell: i, CreatedAt: now, UpdatedAt: now}
		e.Runs = []store.Run{{ID: store.NewID("run"), ExperimentID: e.ID, Strategy: "finetune", Status: status, Hyper: "{}", CreatedAt: now, UpdatedAt: now}}
		cells = append(cells, e)
	}
	if err := ts.db.CreateSweep(ctx, sw, cells, nil); err != nil {
		t.Fatal(err)
	}
	run := cells[0].Runs[0]
	modelID, weights := trainedModel(t, ts, dirs, run, "trained")
	if err := ts.db.AddMetrics(ctx, []store.Metric{{RunID: run.ID, Name: "train_loss", Step: 1, Value: 1}}); err != nil {
		t.Fatal(err)
	}

	status, _, body := ts.do(t, "DELETE", "/api/experiments/"+cells[0].ID, "")
	if status != 409 || errorCode(t, body) != "sweep_cell" || !strings.Contains(errorMessage(t, body), `the sweep "how many labels"`) || !strings.Contains(body, "Delete the sweep instead") {
		t.Fatalf("delete one cell of a sweep: %d %s", status, body)
	}
	status, _, body = ts.do(t, "DELETE", "/api/sweeps/"+sw.ID, "")
	if status != 409 || errorCode(t, body) != "sweep_in_use" || !strings.Contains(errorMessage(t, body), `experiment "cell 1" is running. Cancel the sweep or wait for it to finish`) {
		t.Fatalf("delete a sweep still training: %d %s", status, body)
	}
	if status, _, body := ts.do(t, "DELETE", "/api/sweeps/swp_nope", ""); status != 404 || errorCode(t, body) != "not_found" {
		t.Fatalf("delete an unknown sweep: %d %s", status, body)
	}
	for _, e := range cells {
		if _, err := ts.db.Experiment(ctx, e.ID); err != nil {
			t.Fatalf("a refused delete removed cell %s: %v", e.Name, err)
		}
	}

	if _, err := ts.db.SetRunStatusUnlessFinished(ctx, cells[1].Runs[0].ID, experiment.Cancelled, store.RunPatch{}); err != nil {
		t.Fatal(err)
	}
	if status, _, body := ts.do(t, "DELETE", "/api/sweeps/"+sw.ID, ""); status != 204 {
		t.Fatalf("delete a finished sweep: %d %s", status, body)
	}
	if status, _, _ := ts.do(t, "GET", "/api/sweeps/"+sw.ID, ""); status != 404 {
		t.Fatalf("the deleted sweep still answers %d", status)
	}
	for _, e := range cells {
		if _, err := ts.db.Experiment(ctx, e.ID); err != store.ErrNotFound {
			t.Fatalf("cell %s outlived its sweep: %v", e.Name, err)
		}
	}
	if _, err := ts.db.Model(ctx, modelID); err != store.ErrNotFound {
		t.Fatalf("a cell's trained model outlived the sweep: %v", err)
	}
	if pts, err := ts.db.Metrics(ctx, run.ID, "train_loss", 0); err != nil || len(pts) != 0 {
		t.Fatalf("a cell's metrics remain: %d %v", len(pts), err)
	}
	if _, err := os.Stat(weights); !os.IsNotExist(err) {
		t.Fatal("a cell's weights left behind")
	}
}
