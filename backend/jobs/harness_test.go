package jobs

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"transferlab/backend/datadir"
	"transferlab/backend/experiment"
	"transferlab/backend/live"
	"transferlab/backend/store"
	"transferlab/models"
)

// lab is the training side of a server on a real SQLite file: zoo, built-in dataset
// row, hub, runner and River queue.
type lab struct {
	dir    string
	db     *store.DB
	hub    *live.Hub
	runner *Runner
	queue  *Queue
	base   string // the base model experiments launch from
}

// sharedBuiltin keeps the MNIST cache the tests build once, so each test's data
// directory links to it instead of rebuilding it.
var sharedBuiltin = filepath.Join(os.TempDir(), "transferlab-test-builtin")

func newLab(t *testing.T, dir string) *lab {
	t.Helper()
	l := openLab(t, dir)
	if err := l.queue.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return l
}

// openLab is newLab with the queue not started yet.
func openLab(t *testing.T, dir string) *lab {
	t.Helper()
	ctx := context.Background()
	if err := os.MkdirAll(sharedBuiltin, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(datadir.New(dir).Builtin()); os.IsNotExist(err) {
		if err := os.Symlink(sharedBuiltin, datadir.New(dir).Builtin()); err != nil {
			t.Fatal(err)
		}
	}
	dbPath := filepath.Join(dir, "t.db")
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SyncZoo(ctx, models.Zoo, store.ZooPrefix); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SyncBuiltinDatasets(ctx); err != nil {
		t.Fatal(err)
	}
	hub := live.NewHub(100000, 100000)
	runner := NewRunner(db, hub, models.Zoo, datadir.New(dir), StoreDatasets{DB: db, DataDir: datadir.New(dir)}, 1)
	q, err := Open(ctx, dbPath, Config{TrainingWorkers: 1, UploadsDir: dir, Register: runner.Register})
	if err != nil {
		t.Fatal(err)
	}
	runner.Queue = q
	if _, err := q.RequeueOrphans(ctx); err != nil {
		t.Fatal(err)
	}
	l := &lab{dir: dir, db: db, hub: hub, runner: runner, queue: q, base: "cnn-mnist04"}
	t.Cleanup(l.stop)
	return l
}

func (l *lab) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	l.queue.Stop(ctx)
	l.db.Close()
}

// launch creates and queues an experiment of the given arms on the few-shot digits.
func (l *lab) launch(t *testing.T, h experiment.Hyper, strategies ...string) *store.Experiment {
	t.Helper()
	return l.launchWith(t, h, nil, strategies...)
}

// launchWith lets override change an arm's settings before the experiment is queued.
func (l *lab) launchWith(t *testing.T, h experiment.Hyper, override func(arm int, h *experiment.Hyper), strategies ...string) *store.Experiment {
	t.Helper()
	hj, _ := json.Marshal(h)
	now := time.Now().UTC()
	e := &store.Experiment{ID: store.NewID("exp"), Name: "t", DatasetID: "mnist-5-9-50", BaseModelID: l.base,
		Arch: "cnn", Hyper: string(hj), CreatedAt: now, UpdatedAt: now}
	for i, s := range strategies {
		arm := h
		if override != nil {
			override(i, &arm)
		}
		aj, _ := json.Marshal(arm)
		e.Runs = append(e.Runs, store.Run{ID: store.NewID("run"), ExperimentID: e.ID, ArmIndex: i, Strategy: s,
			Hyper: string(aj), Status: experiment.Queued, CreatedAt: now, UpdatedAt: now})
	}
	if err := l.runner.Launch(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	return e
}

// waitRuns polls until every run of e satisfies done, and returns them.
func (l *lab) waitRuns(t *testing.T, e *store.Experiment, timeout time.Duration, done func(store.Run) bool) []store.Run {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got, err := l.db.Experiment(context.Background(), e.ID)
		if err != nil {
			t.Fatal(err)
		}
		all := true
		for _, r := range got.Runs {
			all = all && done(r)
		}
		if all {
			return got.Runs
		}
		if time.Now().After(deadline) {
			t.Fatalf("runs not done in %s: %+v", timeout, got.Runs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func finished(r store.Run) bool { return r.Status.Finished() }
