package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"transferlab/backend/datadir"
	"transferlab/backend/store/pgtest"
)

// startWorker starts a `transferlab worker` process of the real binary.
func startWorker(t testing.TB, dir, url string) *proc {
	t.Helper()
	log := &syncBuffer{}
	cmd := exec.Command(os.Args[0], "worker", "--database-url", url, "--workers", "1", "--data-dir", dir, "--log-level", "warn")
	cmd.Env = append(os.Environ(), "TRANSFERLAB_RUN_MAIN=1")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, log: log}
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	return p
}

// A web process that trains nothing and a worker process share one PostgreSQL
// database: the experiment created through the web process's API waits for a worker,
// and the worker trains both arms to the end.
func TestWebAndWorkerProcessesShareAPostgreSQLDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model in real server and worker processes")
	}
	url := pgtest.URL(t)
	dir := t.TempDir()
	shared := filepath.Join(os.TempDir(), "transferlab-test-builtin")
	if err := os.MkdirAll(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(shared, datadir.New(dir).Builtin()); err != nil {
		t.Fatal(err)
	}
	web := startServer(t, dir, "--workers", "0", "--database-url", url)
	body := `{"dataset_id":"mnist-5-9-50","base_model_id":"cnn-mnist04","arms":[{"strategy":"finetune"},{"strategy":"scratch"}],"hyper":{"epochs":2,"eval_every":4}}`
	resp, err := http.Post(web.base+"/api/experiments", "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	var exp struct {
		ID   string    `json:"id"`
		Runs []runJSON `json:"runs"`
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 || json.Unmarshal(b, &exp) != nil || len(exp.Runs) != 2 {
		t.Fatalf("create: %d %s", resp.StatusCode, b)
	}
	path := "/api/experiments/" + exp.ID

	// The web process has no training queue: its arms stay queued until a worker comes.
	time.Sleep(time.Second)
	web.getJSON(t, path, &exp)
	for _, r := range exp.Runs {
		if r.Status != "queued" || r.Steps != 0 {
			t.Fatalf("serve --workers 0 started training: %+v\n%s", r, web.log.String())
		}
	}

	worker := startWorker(t, dir, url)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		web.getJSON(t, path, &exp)
		done := 0
		for _, r := range exp.Runs {
			if r.Status == "succeeded" || r.Status == "failed" || r.Status == "cancelled" {
				done++
			}
		}
		if done == len(exp.Runs) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("arms did not finish: %+v\nweb:\n%s\nworker:\n%s", exp.Runs, web.log.String(), worker.log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, r := range exp.Runs {
		if r.Status != "succeeded" || r.Steps == 0 {
			t.Fatalf("arm after training on the worker: %+v\nworker:\n%s", r, worker.log.String())
		}
	}
}
