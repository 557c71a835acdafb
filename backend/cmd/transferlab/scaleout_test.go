package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"transferlab/backend/store/pgtest"
)

// startWorker starts a `transferlab worker` process of the real binary; flags come
// last, so they override the defaults before them.
func startWorker(t testing.TB, dir, url string, flags ...string) *proc {
	t.Helper()
	return startWorkerCmd(t, exec.Command(os.Args[0], workerArgs(dir, url, flags)...))
}

// startPinnedWorker starts a worker held to one CPU (GOMAXPROCS=1 under taskset), as a
// one-core machine of its own would be.
func startPinnedWorker(t testing.TB, cpu int, dir, url string, flags ...string) *proc {
	t.Helper()
	args := append([]string{"-c", strconv.Itoa(cpu), os.Args[0]}, workerArgs(dir, url, flags)...)
	cmd := exec.Command("taskset", args...) // taskset execs the worker: the pid is the worker's
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	return startWorkerCmd(t, cmd)
}

func workerArgs(dir, url string, flags []string) []string {
	return append([]string{"worker", "--database-url", url, "--workers", "1", "--data-dir", dir, "--log-level", "warn"}, flags...)
}

func startWorkerCmd(t testing.TB, cmd *exec.Cmd) *proc {
	t.Helper()
	log := &syncBuffer{}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, "TRANSFERLAB_RUN_MAIN=1")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, log: log}
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	return p
}

// webOnPostgres starts a web process that trains nothing, on a fresh PostgreSQL
// database (url) and data directory (dir) that the test's workers join.
func webOnPostgres(t *testing.T) (web *proc, dir, url string) {
	t.Helper()
	url = pgtest.URL(t)
	dir = t.TempDir()
	shareBuiltin(t, dir)
	return startServer(t, dir, "--workers", "0", "--database-url", url), dir, url
}

// A web process that trains nothing and a worker process share one PostgreSQL
// database: the experiment created through the web process's API waits for a worker,
// the worker trains both arms, and when it is killed with -9 mid-run a second worker
// resumes them from their checkpoints to the end, every step recorded once.
func TestWebAndWorkerProcessesShareAPostgreSQLDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model in real server and worker processes")
	}
	web, dir, url := webOnPostgres(t)
	body := `{"dataset_id":"mnist-5-9-50","base_model_id":"cnn-mnist04","arms":[{"strategy":"finetune"},{"strategy":"scratch"}],"hyper":{"epochs":10,"eval_every":8}}`
	exp := web.createExperiment(t, body)
	if len(exp.Runs) != 2 {
		t.Fatalf("%d runs, want 2", len(exp.Runs))
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

	first := startWorker(t, dir, url)
	waitFor(t, func() bool {
		web.getJSON(t, path, &exp)
		return exp.Runs[0].EpochsDone >= 1 && exp.Runs[1].EpochsDone >= 1
	})
	if err := first.cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown code runs
		t.Fatal(err)
	}
	first.cmd.Wait()
	web.getJSON(t, path, &exp)
	for _, r := range exp.Runs {
		if r.Status == "succeeded" {
			t.Fatalf("arm finished before the worker was killed: %+v", r)
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
		if r.Status != "succeeded" || r.Steps != 80 {
			t.Fatalf("arm after a second worker resumed it: %+v\nworker:\n%s", r, worker.log.String())
		}
		var m struct {
			Total  int `json:"total"`
			Points []struct {
				Step int64 `json:"step"`
			} `json:"points"`
		}
		web.getJSON(t, fmt.Sprintf("/api/runs/%s/metrics?name=train_loss&max_points=1000", r.ID), &m)
		if m.Total != 80 {
			t.Fatalf("%d train_loss points after kill and resume on another worker, want 80", m.Total)
		}
		for i, pt := range m.Points {
			if pt.Step != int64(i+1) {
				t.Fatalf("point %d is step %d: a gap or a repeat", i, pt.Step)
			}
		}
	}
}

// Experiments queued together spread over the live workers instead of waiting in line
// at the first worker to poll: with two workers training one experiment at a time,
// both train some of three experiments' runs, and every run trains once to the end.
func TestQueuedExperimentsSpreadOverTheLiveWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("trains models in real server and worker processes")
	}
	web, dir, url := webOnPostgres(t)
	workers := map[string]*proc{}
	for range 2 {
		w := startWorker(t, dir, url)
		workers[w.clientID(t)] = w
	}
	// Long enough that the first worker cannot finish an experiment before the other
	// fetches the next one: an idle worker taking what it can is no fault.
	body := `{"dataset_id":"mnist-5-9-50","base_model_id":"cnn-mnist04","arms":[{"strategy":"finetune"},{"strategy":"scratch"}],"hyper":{"epochs":30,"eval_every":8}}`
	var exps []experimentJSON
	for range 3 {
		exps = append(exps, web.createExperiment(t, body))
	}
	var procs []*proc
	for _, w := range workers {
		procs = append(procs, w)
	}
	by := map[string]int{}
	for _, e := range exps {
		e = web.waitSucceeded(t, e.ID, 3*time.Minute, procs...)
		trained := runWorkers(t, url)
		for _, r := range e.Runs {
			if workers[trained[r.ID]] == nil {
				t.Fatalf("run %s was trained by %q, not by a worker started here", r.ID, trained[r.ID])
			}
			by[trained[r.ID]]++
			if n := len(web.trainLoss(t, r.ID)); n != r.Steps {
				t.Fatalf("run %s: %d training points for %d steps", r.ID, n, r.Steps)
			}
		}
	}
	if len(by) != 2 {
		t.Fatalf("three queued experiments trained on one worker of two: %v", by)
	}
	t.Logf("runs per worker: %v", values(by))
}
