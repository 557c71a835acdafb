package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"transferlab/backend/blob/s3test"
	"transferlab/backend/store/pgtest"
)

// proofBody is a 3-replicate fine-tune against scratch experiment on dataset id.
func proofBody(id string) string {
	return fmt.Sprintf(`{"dataset_id":%q,"base_model_id":"cnn-mnist04","arms":[{"strategy":"finetune"},{"strategy":"scratch"}],
		"hyper":{"epochs":8,"batch_size":4,"seed":7,"replicates":3}}`, id)
}

// The whole scaled-out lab on one machine: PostgreSQL, an S3 server, a web process that
// trains nothing and two worker processes of the real binary, each on its own data
// directory as on its own machine (one shared directory where no S3 server can be
// built). A dataset uploaded through the web process trains a 3-replicate experiment
// whose arms land on both workers; one worker is killed with -9 mid-run and the other
// resumes that worker's arms from their checkpoints. Every step is recorded once, a
// viewer on the web process sees every point once, and the verdict and curves are
// exactly those of one process on SQLite training the same seeds.
func TestScaledOutLabSurvivesAWorkerAndMatchesOneMachine(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model in real server and worker processes")
	}
	dbURL := pgtest.URL(t)
	dirs, shared := filesAcrossProcesses(t)
	zip := classZip(t, 2, 20, 28, 28)
	web := startServer(t, dirs(), append([]string{"--workers", "0", "--database-url", dbURL}, shared...)...)
	flags := append([]string{"--log-level", "info"}, shared...)
	// Both workers are up before the experiment is queued, as a lab's workers are.
	workers := map[string]*proc{}
	for range 2 {
		w := startWorker(t, dirs(), dbURL, flags...)
		workers[w.clientID(t)] = w
	}
	exp := web.createExperiment(t, proofBody(web.uploadZip(t, zip)))
	if len(exp.Runs) != 6 {
		t.Fatalf("%d runs, want 2 arms x 3 replicates", len(exp.Runs))
	}
	viewer := watchAll(t, web.base, exp.ID, len(exp.Runs))

	waitForLong(t, 2*time.Minute, func() bool {
		web.getJSON(t, "/api/experiments/"+exp.ID, &exp)
		return !slices.ContainsFunc(exp.Runs, func(r armJSON) bool { return r.EpochsDone < 2 })
	})
	before := runWorkers(t, dbURL)
	web.getJSON(t, "/api/experiments/"+exp.ID, &exp)
	spread := map[string]int{}
	for _, r := range exp.Runs {
		if workers[before[r.ID]] == nil {
			t.Fatalf("run %s is trained by %q, not by a worker started here %v", r.ID, before[r.ID], before)
		}
		if r.Worker != before[r.ID] {
			t.Fatalf("the API says run %s trains on %q, the database %q", r.ID, r.Worker, before[r.ID])
		}
		spread[before[r.ID]]++
	}
	if len(spread) != 2 {
		t.Fatalf("the experiment's runs train on one worker while two are alive: %v", spread)
	}
	t.Logf("runs per worker while both live: %v", values(spread))
	// The worker killed is the one with more runs still to train: a worker holding
	// fewer runs trains each faster, and may already have finished one.
	web.getJSON(t, "/api/experiments/"+exp.ID, &exp)
	unfinished := map[string]int{}
	for _, r := range exp.Runs {
		if r.Status != "succeeded" {
			unfinished[before[r.ID]]++
		}
	}
	var killed, survivor string
	for id := range workers {
		if killed == "" || unfinished[id] > unfinished[killed] {
			killed, survivor = id, killed
		} else {
			survivor = id
		}
	}
	if err := workers[killed].cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown code runs
		t.Fatal(err)
	}
	workers[killed].cmd.Wait()
	web.getJSON(t, "/api/experiments/"+exp.ID, &exp)
	finishedOnKilled := map[string]bool{}
	for _, r := range exp.Runs {
		if r.Status == "succeeded" && before[r.ID] == killed {
			finishedOnKilled[r.ID] = true
		}
	}
	if len(finishedOnKilled) == spread[killed] {
		t.Fatalf("every run of the killed worker finished before it was killed: train longer")
	}

	exp = web.waitSucceeded(t, exp.ID, 3*time.Minute, workers[killed], workers[survivor])
	checkResumedBySurvivor(t, dbURL, exp, before, finishedOnKilled, killed, survivor, workers[survivor].log.String())
	seen := viewer.wait(t)
	curves := map[string][]float64{}
	for _, r := range exp.Runs {
		curves[r.ID] = web.trainLoss(t, r.ID)
		if len(curves[r.ID]) != r.Steps {
			t.Fatalf("run %s: %d training points for %d steps", r.ID, len(curves[r.ID]), r.Steps)
		}
		if got := seen[r.ID]; !slices.Equal(got, curves[r.ID]) {
			t.Fatalf("run %s: the viewer saw %d training points, the database holds %d (or values differ)", r.ID, len(got), len(curves[r.ID]))
		}
	}

	// One process on SQLite trains the same upload with the same seeds.
	local := startServer(t, t.TempDir())
	alone := local.createExperiment(t, proofBody(local.uploadZip(t, zip)))
	alone = local.waitSucceeded(t, alone.ID, 3*time.Minute)
	sameResult(t, exp, curves, alone, local)
}

// filesAcrossProcesses says how the processes of a scaled-out test share files: each
// on its own data directory with an S3 server between them, as on separate machines;
// or, where the S3 test server cannot be built, one data directory for all, as on a
// shared mount. dirs hands each process its directory; flags go to each process.
func filesAcrossProcesses(t *testing.T) (dirs func() string, flags []string) {
	if err := s3test.Unavailable(); err != nil {
		t.Logf("the processes share one data directory: %v", err)
		dir := t.TempDir()
		return func() string { return dir }, nil
	}
	return t.TempDir, []string{"--blob-url", s3test.URL(t)}
}

// checkResumedBySurvivor checks that every run the killed worker was still training
// went on, on the survivor, from a checkpoint past step 0 (its log says so), and that
// the runs the survivor trained all along, or the killed worker finished, were not
// resumed: each was admitted once.
func checkResumedBySurvivor(t *testing.T, dbURL string, exp experimentJSON, before map[string]string, finished map[string]bool, killed, survivor, log string) {
	t.Helper()
	after := runWorkers(t, dbURL)
	for _, r := range exp.Runs {
		m := regexp.MustCompile(`resuming from the checkpoint run=` + r.ID + ` step=(\d+)`).FindStringSubmatch(log)
		if finished[r.ID] {
			if after[r.ID] != killed || m != nil {
				t.Fatalf("run %s finished on the killed worker, yet it ended on %q (resumed: %v)", r.ID, after[r.ID], m != nil)
			}
			continue
		}
		if after[r.ID] != survivor {
			t.Fatalf("run %s ended on %q, want the surviving worker %s", r.ID, after[r.ID], survivor)
		}
		if before[r.ID] != killed {
			if m != nil {
				t.Fatalf("run %s trained on the survivor all along, yet it resumed at step %s", r.ID, m[1])
			}
			continue
		}
		if m == nil {
			t.Fatalf("run %s did not resume from a checkpoint on the surviving worker:\n%s", r.ID, log)
		}
		// A kill between a run's last checkpoint and its success leaves it to resume
		// at its final step: it then only evaluates and finishes, which is right.
		if step, _ := strconv.Atoi(m[1]); step == 0 || step > r.Steps {
			t.Fatalf("run %s resumed at step %d of %d", r.ID, step, r.Steps)
		}
	}
}

// sameResult checks that two experiments trained the same seeds to the same curves,
// accuracies and verdict. Only seconds differ between machines, so the speedup in
// seconds and the words that quote it are left out.
func sameResult(t *testing.T, exp experimentJSON, curves map[string][]float64, alone experimentJSON, local *proc) {
	t.Helper()
	for _, a := range alone.Runs {
		i := slices.IndexFunc(exp.Runs, func(r armJSON) bool { return r.Arm == a.Arm && r.Replicate == a.Replicate })
		r := exp.Runs[i]
		if r.Seed != a.Seed || *r.BestValAcc != *a.BestValAcc || *r.FinalValAcc != *a.FinalValAcc || *r.TestAcc != *a.TestAcc {
			t.Fatalf("arm %d replicate %d: scaled out %+v, on one machine %+v", a.Arm, a.Replicate, r, a)
		}
		if !slices.Equal(curves[r.ID], local.trainLoss(t, a.ID)) {
			t.Fatalf("arm %d replicate %d: the training loss differs from one machine's", a.Arm, a.Replicate)
		}
	}
	if got, want := verdictSansSeconds(t, exp.Verdict), verdictSansSeconds(t, alone.Verdict); got != want {
		t.Fatalf("verdict scaled out:\n%s\non one machine:\n%s", got, want)
	}
}

func verdictSansSeconds(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var rows []map[string]any
	if err := json.Unmarshal(raw, &rows); err != nil || len(rows) == 0 {
		t.Fatalf("no verdict: %s", raw)
	}
	for _, row := range rows {
		delete(row, "speedup_seconds")
		delete(row, "speed")
	}
	b, _ := json.MarshalIndent(rows, "", " ")
	return string(b)
}
