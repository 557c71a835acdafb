package server

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"transferlab/backend/datadir"
	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

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

func TestDeleteExperimentsAndModelsUnlessInUse(t *testing.T) {
	root := t.TempDir()
	dirs := datadir.New(root)
	if err := dirs.Prepare(); err != nil {
		t.Fatal(err)
	}
	ts := newTestServer(t, func(d *Deps) { d.DataDir = dirs })
	seedCatalog(t, ts.db)
	ctx := context.Background()
	done := seedExperiment(t, ts.db, "", "succeeded", "failed")
	run := done.Runs[0]
	modelID := "model-" + run.ID[len("run_"):]
	rel, weights := dirs.UserModel(modelID)
	now := time.Now().UTC()
	if err := ts.db.CreateModel(ctx, &store.Model{ID: modelID, Name: "trained", Arch: "mlp", Path: filepath.ToSlash(rel), Source: store.SourceRun, RunID: &run.ID, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := ts.db.UpdateRun(ctx, run.ID, store.RunPatch{ModelID: store.Set(modelID)}); err != nil {
		t.Fatal(err)
	}
	if err := ts.db.AddMetrics(ctx, []store.Metric{{RunID: run.ID, Name: "train_loss", Step: 1, Value: 1}}); err != nil {
		t.Fatal(err)
	}
	checkpoint := dirs.Checkpoint(done.Runs[1].ID)
	for _, p := range []string{weights, checkpoint} {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Another experiment is still training from the trained model.
	user := seedExperiment(t, ts.db, modelID, "running")
	training := seedExperiment(t, ts.db, "", "succeeded", "queued")

	cases := []struct {
		name, path string
		wantStatus int
		wantCode   string
	}{
		{"zoo model", "/api/models/cnn-mnist04", 409, "zoo_model"},
		{"model a training starts from", "/api/models/" + modelID, 409, "model_in_use"},
		{"experiment whose model is in use", "/api/experiments/" + done.ID, 409, "experiment_in_use"},
		{"experiment still training", "/api/experiments/" + training.ID, 409, "experiment_in_use"},
		{"unknown experiment", "/api/experiments/exp_nope", 404, "not_found"},
		{"unknown model", "/api/models/model-nope", 404, "not_found"},
	}
	for _, tc := range cases {
		status, _, body := ts.do(t, "DELETE", tc.path, "")
		if status != tc.wantStatus || errorCode(t, body) != tc.wantCode {
			t.Errorf("%s: %d %s, want %d %s", tc.name, status, body, tc.wantStatus, tc.wantCode)
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
	otherID := "model-" + other.ID[len("run_"):]
	otherRel, otherWeights := dirs.UserModel(otherID)
	if err := ts.db.CreateModel(ctx, &store.Model{ID: otherID, Name: "other", Arch: "mlp", Path: filepath.ToSlash(otherRel), Source: store.SourceRun, RunID: &other.ID, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	ts.db.UpdateRun(ctx, other.ID, store.RunPatch{ModelID: store.Set(otherID)})
	if err := os.WriteFile(otherWeights, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
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
