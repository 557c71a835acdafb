package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// smallDisk mounts a tmpfs of size bytes in a temp dir, or skips when the tests may
// not mount (not root, or no mount command).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("the disk-full test mounts a small tmpfs and needs root; run the tests as root to include it")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s); the disk-full test needs one", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// fillDisk writes a file until the disk has no space left, and returns its path.
func fillDisk(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return path
			}
			t.Fatal(err)
		}
	}
}

type runView struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	Error      string `json:"error"`
	Paused     string `json:"paused"`
	ModelID    string `json:"model_id"`
	Steps      int    `json:"steps"`
	TotalSteps int    `json:"total_steps"`
}

func (tg *target) run(t *testing.T, expID string) runView {
	t.Helper()
	status, _, body := tg.do(t, "GET", "/api/experiments/"+expID, nil, nil)
	if status != 200 {
		t.Fatalf("get experiment: %d %s", status, short(body))
	}
	var e struct{ Runs []runView }
	json.Unmarshal([]byte(body), &e)
	return e.Runs[0]
}

// startTraining creates the experiment and waits for its run to take steps.
func (tg *target) startTraining(t *testing.T, body string) string {
	t.Helper()
	status, _, got := tg.do(t, "POST", "/api/experiments", strings.NewReader(body), asJSON)
	if status != 201 {
		t.Fatalf("create: %d %s", status, short(got))
	}
	var exp struct{ ID string }
	json.Unmarshal([]byte(got), &exp)
	waitForLong(t, 60*time.Second, func() bool { r := tg.run(t, exp.ID); return r.Status == "running" && r.Steps > 0 })
	return exp.ID
}

func (tg *target) waitFinished(t *testing.T, expID string) {
	t.Helper()
	deadline := time.Now().Add(120 * time.Second)
	for s := tg.run(t, expID); s.Status != "succeeded" && s.Status != "failed"; s = tg.run(t, expID) {
		if time.Now().After(deadline) {
			t.Fatalf("the run did not finish after space came back: %+v\n%s", s, tg.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkComplete asserts the run succeeded with one loss point for every step.
func (tg *target) checkComplete(t *testing.T, expID string) {
	t.Helper()
	r := tg.run(t, expID)
	if r.Status != "succeeded" || r.Steps != r.TotalSteps {
		t.Fatalf("after space came back: %+v\n%s", r, tg.log)
	}
	status, _, got := tg.do(t, "GET", fmt.Sprintf("/api/runs/%s/metrics?name=train_loss&max_points=100000", r.ID), nil, nil)
	var m struct{ Points []struct{ Step int } }
	json.Unmarshal([]byte(got), &m)
	if status != 200 || len(m.Points) != r.TotalSteps {
		t.Fatalf("%d loss points of %d steps (%d)", len(m.Points), r.TotalSteps, status)
	}
	for i, p := range m.Points {
		if p.Step != i+1 {
			t.Fatalf("point %d is step %d: a step was lost or repeated", i, p.Step)
		}
	}
}

// health reads GET /api/health's status code, status and disk.
func (tg *target) health(t *testing.T) (int, string, string) {
	t.Helper()
	code, _, body := tg.do(t, "GET", "/api/health", nil, nil)
	var h struct{ Status, Disk string }
	json.Unmarshal([]byte(body), &h)
	return code, h.Status, h.Disk
}

// leaveFree shrinks the filler so that the disk of dir has about want bytes free.
func leaveFree(t *testing.T, dir, filler string, want int64) {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	free := int64(st.Bavail) * st.Bsize
	fi, err := os.Stat(filler)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(filler, max(0, fi.Size()-(want-free))); err != nil {
		t.Fatal(err)
	}
}

// gone fails the test when any of paths still exists.
func gone(t *testing.T, what string, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: %s is still there (%v)", what, p, err)
		}
	}
}

// With the disk full a run pauses instead of failing, and says so (on its card and in
// the health check); uploads get 507 saying to free space, deletion still works (on
// the space the server held back), and once a modest amount of space is freed the run
// finishes with every point: no restart, nothing lost, nothing left behind. Trained
// models and finished experiments can be deleted on a full disk too, files and all.
func TestAttackDiskFull(t *testing.T) {
	dir := smallDisk(t, "48m")
	tg := startTarget(t, dir)
	trainOn := tg.tinyDataset(t, "digits.zip")
	spare := tg.tinyDataset(t, "spare.zip")
	body := `{"dataset_id":"` + trainOn + `","arch":"mlp","arms":[{"strategy":"scratch"}],"hyper":{"epochs":30,"batch_size":1,"eval_every":50}}`
	exp := tg.startTraining(t, body)
	began := time.Now()

	filler := fillDisk(t, dir)
	waitForLong(t, 60*time.Second, func() bool { return strings.Contains(tg.log.String(), "training pauses") })
	r := tg.run(t, exp)
	if r.Status == "failed" || r.Status == "succeeded" {
		t.Fatalf("the run ended on a full disk: %+v", r)
	}
	if !strings.Contains(r.Paused, "disk is full") || !strings.Contains(r.Paused, "free some space") {
		t.Fatalf("the paused run does not say why: %+v", r)
	}
	// The run's own page reads the same.
	if status, _, got := tg.do(t, "GET", "/api/runs/"+r.ID, nil, nil); status != 200 || !strings.Contains(got, `"paused":"`) || !strings.Contains(got, "disk is full") {
		t.Fatalf("the run's own view does not say it is paused: %d %s", status, short(got))
	}
	if code, status, disk := tg.health(t); code != 200 || status != "degraded" || disk != "full" {
		t.Fatalf("health on a full disk: %d %s, disk %s", code, status, disk)
	}
	status, upload := tg.upload(t, "more.zip", classZip(t, 2, 6, 8, 8), nil)
	if status != 507 || errCode(upload) != "disk_full" || !strings.Contains(strings.ToLower(upload), "free some space") {
		t.Fatalf("upload on a full disk: %d %s", status, short(upload))
	}
	if status, _, got := tg.do(t, "DELETE", "/api/datasets/"+spare, nil, nil); status != 204 {
		t.Fatalf("delete on a full disk: %d %s", status, short(got))
	}

	// A modest amount of space, far less than a large run would need, is plenty for
	// this one: it goes on without the filler being removed.
	t.Logf("paused after %v", time.Since(began))
	leaveFree(t, dir, filler, 16*mib)
	tg.waitFinished(t, exp)
	t.Logf("finished after %v", time.Since(began))
	tg.checkComplete(t, exp)
	if r := tg.run(t, exp); r.Paused != "" {
		t.Fatalf("the finished run still reads as paused: %+v", r)
	}
	if _, status, disk := tg.health(t); status != "ok" || disk == "full" {
		t.Fatalf("health with space back: %s, disk %s", status, disk)
	}
	gone(t, "a succeeded run's checkpoint", filepath.Join(dir, "runs", r.ID))
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}

	// The same through a kill -9 while paused: the restart finds the run and its job.
	exp2 := tg.startTraining(t, body)
	filler = fillDisk(t, dir)
	waitForLong(t, 60*time.Second, func() bool { return strings.Count(tg.log.String(), "training pauses") >= 2 })
	tg.kill()
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	tg = startTarget(t, dir)
	if st, err := os.Stat(filepath.Join(dir, "reserve.space")); err != nil || st.Size() == 0 {
		t.Fatalf("the restart did not hold space back for deletes again: %v", err)
	}
	tg.waitFinished(t, exp2)
	tg.checkComplete(t, exp2)

	// On a full disk again: a trained model, then a whole finished experiment, go with
	// their files.
	first, second := tg.run(t, exp), tg.run(t, exp2)
	if first.ModelID == "" || second.ModelID == "" {
		t.Fatalf("runs without a trained model: %+v %+v", first, second)
	}
	filler = fillDisk(t, dir)
	if status, _, got := tg.do(t, "DELETE", "/api/models/"+first.ModelID, nil, nil); status != 204 {
		t.Fatalf("delete a trained model on a full disk: %d %s", status, short(got))
	}
	gone(t, "a deleted model", filepath.Join(dir, "models", "user", first.ModelID+".safetensors"))
	if status, _, got := tg.do(t, "DELETE", "/api/experiments/"+exp2, nil, nil); status != 204 {
		t.Fatalf("delete an experiment on a full disk: %d %s", status, short(got))
	}
	gone(t, "a deleted experiment", filepath.Join(dir, "models", "user", second.ModelID+".safetensors"), filepath.Join(dir, "runs", second.ID))
	for _, path := range []string{"/api/models/" + first.ModelID, "/api/models/" + second.ModelID, "/api/experiments/" + exp2} {
		if status, _, _ := tg.do(t, "GET", path, nil, nil); status != 404 {
			t.Errorf("GET %s after its delete: %d", path, status)
		}
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if status, _, got := tg.do(t, "DELETE", "/api/datasets/"+trainOn, nil, nil); status != 204 {
		t.Fatalf("delete the trained-on dataset: %d %s", status, short(got))
	}
	if left := tg.leftovers(t); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
}
