package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"

	"transferlab/backend/blob/s3test"
	"transferlab/backend/store/pgtest"
)

// The test binary doubles as the transferlab binary, so the restart test can start,
// kill and restart a real server process.
func TestMain(m *testing.M) {
	if os.Getenv("TRANSFERLAB_RUN_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	code := m.Run()
	pgtest.Stop()
	s3test.Stop()
	os.Exit(code)
}

type proc struct {
	cmd  *exec.Cmd
	base string
	log  *syncBuffer
}

func startServer(t testing.TB, dir string, flags ...string) *proc {
	t.Helper()
	addr := freeAddr(t)
	log := &syncBuffer{}
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--addr", addr, "--data-dir", dir, "--log-level", "warn"}, flags...)...)
	cmd.Env = append(os.Environ(), "TRANSFERLAB_RUN_MAIN=1")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, base: "http://" + addr, log: log}
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	waitFor(t, func() bool {
		resp, err := http.Get(p.base + "/api/health")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	})
	return p
}

func (p *proc) getJSON(t testing.TB, path string, v any) {
	t.Helper()
	resp, err := http.Get(p.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

type runJSON struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	Error      string `json:"error"`
	Steps      int    `json:"steps"`
	EpochsDone int    `json:"epochs_done"`
}

func TestKilledServerResumesTrainingFromCheckpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model in a real server process")
	}
	dir := t.TempDir()
	shareBuiltin(t, dir)
	p := startServer(t, dir)
	body := `{"dataset_id":"mnist-5-9-50","base_model_id":"cnn-mnist04","arms":[{"strategy":"finetune"}],"hyper":{"epochs":40,"eval_every":8}}`
	resp, err := http.Post(p.base+"/api/experiments", "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	var exp struct {
		ID   string    `json:"id"`
		Runs []runJSON `json:"runs"`
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 || json.Unmarshal(b, &exp) != nil {
		t.Fatalf("create: %d %s", resp.StatusCode, b)
	}
	path := "/api/experiments/" + exp.ID
	waitFor(t, func() bool {
		p.getJSON(t, path, &exp)
		return exp.Runs[0].EpochsDone >= 1
	})
	time.Sleep(200 * time.Millisecond)           // into the second epoch
	if err := p.cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown code runs
		t.Fatal(err)
	}
	p.cmd.Wait()

	p2 := startServer(t, dir)
	deadline := time.Now().Add(3 * time.Minute)
	for {
		p2.getJSON(t, path, &exp)
		if exp.Runs[0].Status == "succeeded" || exp.Runs[0].Status == "failed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("run did not finish after the restart: %+v\n%s", exp.Runs[0], p2.log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if exp.Runs[0].Status != "succeeded" || exp.Runs[0].Steps != 320 {
		t.Fatalf("run after restart: %+v", exp.Runs[0])
	}
	var m struct {
		Total  int `json:"total"`
		Points []struct {
			Step int64 `json:"step"`
		} `json:"points"`
	}
	p2.getJSON(t, fmt.Sprintf("/api/runs/%s/metrics?name=train_loss&max_points=1000", exp.Runs[0].ID), &m)
	if m.Total != 320 {
		t.Fatalf("%d train_loss points after kill and resume, want 320", m.Total)
	}
	for i, pt := range m.Points {
		if pt.Step != int64(i+1) {
			t.Fatalf("point %d is step %d: a gap or a repeat", i, pt.Step)
		}
	}
}
