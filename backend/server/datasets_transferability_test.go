package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"transferlab/backend/data"
	"transferlab/backend/datadir"
	"transferlab/backend/experiment"
	"transferlab/backend/jobs"
	"transferlab/backend/live"
	"transferlab/models"
)

// TestTransferabilityRanksZooModels asks the real route to rank three shipped models
// for the few-shot digits 5-9 built-in: real features, real fits, best first.
func TestTransferabilityRanksZooModels(t *testing.T) {
	shared := filepath.Join(os.TempDir(), "transferlab-test-builtin")
	ds, err := data.OpenBuiltin(shared, "mnist-5-9-50")
	if err != nil {
		t.Fatal(err)
	}
	ds.Close()
	root := t.TempDir()
	if err := os.Symlink(shared, filepath.Join(root, "builtin")); err != nil {
		t.Fatal(err)
	}
	dirs := datadir.New(root)
	ts := newTestServer(t, func(d *Deps) {
		if _, err := d.DB.SyncZoo(t.Context(), models.Zoo, "zoo:"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.DB.SyncBuiltinDatasets(t.Context()); err != nil {
			t.Fatal(err)
		}
		d.DataDir = dirs
		d.Scorer = jobs.NewRunner(d.DB, live.NewHub(1, 1), models.Zoo, dirs, jobs.StoreDatasets{DB: d.DB, DataDir: dirs}, 1)
	})
	status, _, body := ts.do(t, "GET", "/api/datasets/mnist-5-9-50/transferability?models=cnn-mnist04,mlp-mnist04,cnn-deep-mnist04", "")
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	out := sameShape[experiment.Transferability](t, "GET /api/datasets/:id/transferability", body)
	if !strings.Contains(out.Method, "ridge") || len(out.Scores) != 3 || out.Seconds <= 0 {
		t.Fatalf("ranking %+v", out)
	}
	for i, s := range out.Scores {
		if s.Error != "" || s.Images != 250 || s.Score < s.Chance+0.3 || s.Seconds <= 0 {
			t.Errorf("score %+v: want 250 images scored well above chance", s)
		}
		if i > 0 && s.Score > out.Scores[i-1].Score {
			t.Errorf("not best first: %+v", out.Scores)
		}
	}
	t.Logf("%+v", out)
	for _, c := range []struct{ path, code string }{
		{"/api/datasets/mnist-5-9-50/transferability?models=cnn-mnist04,nope", "model_not_found"},
		{"/api/datasets/nope/transferability", "not_found"},
	} {
		status, _, body := ts.do(t, "GET", c.path, "")
		if status != 404 || !strings.Contains(body, `"`+c.code+`"`) {
			t.Errorf("%s: %d %s", c.path, status, body)
		}
	}
}
