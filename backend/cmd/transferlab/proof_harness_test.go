package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// experimentJSON is the part of an experiment the scale-out tests read.
type experimentJSON struct {
	ID           string          `json:"id"`
	Runs         []armJSON       `json:"runs"`
	Verdict      json.RawMessage `json:"verdict"`
	SummaryFinal bool            `json:"summary_final"`
}

// armJSON is a run with what tells replicates apart and what they reached.
type armJSON struct {
	runJSON
	Arm         int      `json:"arm"`
	Replicate   int      `json:"replicate"`
	Seed        int64    `json:"seed"`
	BestValAcc  *float64 `json:"best_val_acc"`
	FinalValAcc *float64 `json:"final_val_acc"`
	TestAcc     *float64 `json:"test_acc"`
	Worker      string   `json:"worker"`
}

// uploadZip uploads an image archive through the web process and returns the dataset.
func (p *proc) uploadZip(t testing.TB, zip []byte) string {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "images.zip")
	fw.Write(zip)
	mw.Close()
	resp, err := http.Post(p.base+"/api/datasets", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ds struct {
		ID string `json:"id"`
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 201 || json.Unmarshal(b, &ds) != nil {
		t.Fatalf("upload: %d %s", resp.StatusCode, b)
	}
	return ds.ID
}

// createExperiment posts an experiment and returns it as created.
func (p *proc) createExperiment(t testing.TB, body string) experimentJSON {
	t.Helper()
	resp, err := http.Post(p.base+"/api/experiments", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var exp experimentJSON
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 201 || json.Unmarshal(b, &exp) != nil {
		t.Fatalf("create: %d %s", resp.StatusCode, b)
	}
	return exp
}

// waitSucceeded waits until every run of the experiment succeeded and the verdict is
// final; a run that fails or is cancelled ends the test with the processes' logs.
func (p *proc) waitSucceeded(t testing.TB, id string, within time.Duration, others ...*proc) experimentJSON {
	t.Helper()
	logs := func() string {
		s := "web:\n" + p.log.String()
		for i, o := range others {
			s += fmt.Sprintf("\nprocess %d:\n%s", i+1, o.log.String())
		}
		return s
	}
	deadline := time.Now().Add(within)
	for {
		var exp experimentJSON
		p.getJSON(t, "/api/experiments/"+id, &exp)
		done := 0
		for _, r := range exp.Runs {
			switch r.Status {
			case "failed", "cancelled":
				t.Fatalf("run %+v\n%s", r, logs())
			case "succeeded":
				done++
			}
		}
		if done == len(exp.Runs) && exp.SummaryFinal {
			return exp
		}
		if time.Now().After(deadline) {
			t.Fatalf("runs did not finish in %s (summary final: %v): %+v\n%s", within, exp.SummaryFinal, exp.Runs, logs())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// trainLoss reads a run's training loss from the API, one value per step from step 1,
// and fails on a gap or a repeat.
func (p *proc) trainLoss(t testing.TB, runID string) []float64 {
	t.Helper()
	var m struct {
		Total  int `json:"total"`
		Points []struct {
			Step  int64   `json:"step"`
			Value float64 `json:"value"`
		} `json:"points"`
	}
	p.getJSON(t, "/api/runs/"+runID+"/metrics?name=train_loss&max_points=100000", &m)
	if m.Total != len(m.Points) {
		t.Fatalf("run %s: %d of %d points came back undownsampled", runID, len(m.Points), m.Total)
	}
	out := make([]float64, len(m.Points))
	for i, pt := range m.Points {
		if pt.Step != int64(i+1) {
			t.Fatalf("run %s: point %d is step %d: a gap or a repeat", runID, i, pt.Step)
		}
		out[i] = pt.Value
	}
	return out
}

// runWorkers reads which queue client each run was last admitted by (runs.worker).
func runWorkers(t testing.TB, dbURL string) map[string]string {
	t.Helper()
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT id, worker FROM runs`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var run, by string
		if err := rows.Scan(&run, &by); err != nil {
			t.Fatal(err)
		}
		out[run] = by
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// clientID waits for a worker process to start and returns its queue client's id,
// which names it in the runs it trains.
func (p *proc) clientID(t testing.TB) string {
	t.Helper()
	re := regexp.MustCompile(`worker training .* as (\S+)\n`)
	var id string
	waitFor(t, func() bool {
		if m := re.FindStringSubmatch(p.log.String()); m != nil {
			id = m[1]
		}
		return id != ""
	})
	return id
}
