package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"transferlab/backend/blob/s3test"
	"transferlab/backend/store/pgtest"
)

// A web process and a worker on separate data directories (as on two machines) share
// files only through a real S3 server: a dataset uploaded to the web process trains on
// the worker, the trained weights download from the web process byte for byte, and a
// damaged cached copy on either side is told by its hash and fetched again.
func TestWebAndWorkerShareFilesThroughAnObjectStore(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model in real server and worker processes")
	}
	dbURL, blobURL := pgtest.URL(t), s3test.URL(t)
	webDir, workerDir := t.TempDir(), t.TempDir()
	web := startServer(t, webDir, "--workers", "0", "--database-url", dbURL, "--blob-url", blobURL)
	worker := startWorker(t, workerDir, dbURL, "--blob-url", blobURL)

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "digits.zip")
	fw.Write(classZip(t, 2, 12, 28, 28))
	mw.Close()
	resp, err := http.Post(web.base+"/api/datasets", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	var ds struct {
		ID string `json:"id"`
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 || json.Unmarshal(b, &ds) != nil {
		t.Fatalf("upload: %d %s", resp.StatusCode, b)
	}

	exp := runBlobExperiment(t, web, worker, ds.ID)
	modelID := "model-" + strings.TrimPrefix(exp.Runs[0].ID, "run_")
	trained := filepath.Join(workerDir, "models", "user", modelID+".safetensors")
	want, err := os.ReadFile(trained)
	if err != nil {
		t.Fatalf("the worker kept no weights: %v", err)
	}
	if got := download(t, web, modelID); !bytes.Equal(got, want) {
		t.Fatalf("downloaded weights (%d bytes) differ from the worker's (%d bytes)", len(got), len(want))
	}

	// The web process's cached copy is damaged: the next download fetches it again.
	cached := filepath.Join(webDir, "models", "user", modelID+".safetensors")
	if err := os.WriteFile(cached, append([]byte("damaged"), want[7:]...), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := download(t, web, modelID); !bytes.Equal(got, want) {
		t.Fatal("a damaged cached model was served")
	}

	// The worker's cached dataset is damaged: the next experiment trains on a fresh copy.
	files, _ := filepath.Glob(filepath.Join(workerDir, "datasets", ds.ID, "*"))
	var damaged string
	for _, f := range files {
		if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() && st.Size() > 0 {
			damaged = f
			break
		}
	}
	if damaged == "" {
		t.Fatalf("the worker cached no dataset files: %v", files)
	}
	good, _ := os.ReadFile(filepath.Join(webDir, "datasets", ds.ID, filepath.Base(damaged)))
	bad := bytes.Clone(good)
	bad[len(bad)-1] ^= 0xff
	if err := os.WriteFile(damaged, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	runBlobExperiment(t, web, worker, ds.ID)
	if got, _ := os.ReadFile(damaged); !bytes.Equal(got, good) {
		t.Fatalf("the damaged cached %s was kept", filepath.Base(damaged))
	}
	if !strings.Contains(worker.log.String(), "differs from the shared store") {
		t.Fatalf("the worker did not report the damaged copy:\n%s", worker.log.String())
	}
}

// runBlobExperiment trains a fine-tuned and a scratch arm on the dataset for one epoch
// and waits for both to succeed.
func runBlobExperiment(t *testing.T, web, worker *proc, datasetID string) (exp struct {
	ID   string    `json:"id"`
	Runs []runJSON `json:"runs"`
}) {
	t.Helper()
	body := `{"dataset_id":"` + datasetID + `","base_model_id":"cnn-mnist04","arms":[{"strategy":"finetune"},{"strategy":"scratch"}],"hyper":{"epochs":1}}`
	resp, err := http.Post(web.base+"/api/experiments", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 || json.Unmarshal(b, &exp) != nil {
		t.Fatalf("create: %d %s", resp.StatusCode, b)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		web.getJSON(t, "/api/experiments/"+exp.ID, &exp)
		done := 0
		for _, r := range exp.Runs {
			if r.Status == "failed" || r.Status == "cancelled" {
				t.Fatalf("arm %+v\nweb:\n%s\nworker:\n%s", r, web.log.String(), worker.log.String())
			}
			if r.Status == "succeeded" {
				done++
			}
		}
		if done == len(exp.Runs) {
			return exp
		}
		if time.Now().After(deadline) {
			t.Fatalf("arms did not finish: %+v\nweb:\n%s\nworker:\n%s", exp.Runs, web.log.String(), worker.log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func download(t *testing.T, web *proc, modelID string) []byte {
	t.Helper()
	resp, err := http.Get(web.base + "/api/models/" + modelID + "/weights")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("download %s: %d %s\n%s", modelID, resp.StatusCode, b, web.log.String())
	}
	return b
}

// A worker killed with -9 mid-run leaves its checkpoints in the store only: a second
// worker on another data directory fetches them and resumes both arms to the end, every
// step recorded once.
func TestAWorkerResumesFromCheckpointsAnotherWorkerStored(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model in real server and worker processes")
	}
	dbURL, blobURL := pgtest.URL(t), s3test.URL(t)
	dirs := []string{t.TempDir(), t.TempDir(), t.TempDir()} // web, first and second worker
	// The built-in dataset is built from the binary by every process alike: one shared
	// cache of it spares the time, and nothing else is shared but the store.
	shareBuiltin(t, dirs...)
	web := startServer(t, dirs[0], "--workers", "0", "--database-url", dbURL, "--blob-url", blobURL)
	body := `{"dataset_id":"mnist-5-9-50","base_model_id":"cnn-mnist04","arms":[{"strategy":"finetune"},{"strategy":"scratch"}],"hyper":{"epochs":10,"eval_every":8}}`
	exp := web.createExperiment(t, body)
	if len(exp.Runs) != 2 {
		t.Fatalf("%d runs, want 2", len(exp.Runs))
	}
	path := "/api/experiments/" + exp.ID

	first := startWorker(t, dirs[1], dbURL, "--blob-url", blobURL)
	waitFor(t, func() bool {
		web.getJSON(t, path, &exp)
		return exp.Runs[0].EpochsDone >= 1 && exp.Runs[1].EpochsDone >= 1
	})
	first.cmd.Process.Kill() // SIGKILL: no shutdown code runs
	first.cmd.Wait()

	second := startWorker(t, dirs[2], dbURL, "--blob-url", blobURL, "--log-level", "info")
	deadline := time.Now().Add(3 * time.Minute)
	for {
		web.getJSON(t, path, &exp)
		if exp.Runs[0].Status == "succeeded" && exp.Runs[1].Status == "succeeded" {
			break
		}
		for _, r := range exp.Runs {
			if r.Status == "failed" || r.Status == "cancelled" {
				t.Fatalf("arm %+v\nworker:\n%s", r, second.log.String())
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("arms did not finish: %+v\nworker:\n%s", exp.Runs, second.log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, r := range exp.Runs {
		if !strings.Contains(second.log.String(), "resuming from the checkpoint run="+r.ID) {
			t.Fatalf("run %s started over instead of resuming:\n%s", r.ID, second.log.String())
		}
		var m struct {
			Total  int `json:"total"`
			Points []struct {
				Step int64 `json:"step"`
			} `json:"points"`
		}
		web.getJSON(t, fmt.Sprintf("/api/runs/%s/metrics?name=train_loss&max_points=1000", r.ID), &m)
		if r.Steps != 80 || m.Total != 80 {
			t.Fatalf("run %s: %d steps, %d train_loss points after a resume on another machine, want 80", r.ID, r.Steps, m.Total)
		}
		for i, pt := range m.Points {
			if pt.Step != int64(i+1) {
				t.Fatalf("point %d is step %d: a gap or a repeat", i, pt.Step)
			}
		}
	}
}
