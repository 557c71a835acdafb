package server

import (
	"encoding/json"
	"fmt"
	"testing"

	"transferlab/backend/jobs"
	"transferlab/backend/nn"
	"transferlab/backend/store"
	"transferlab/backend/train"
	"transferlab/models"
)

// Each route the web app reads answers exactly the Go type its TypeScript shape is
// generated from (backend/cmd/tsgen), so renaming a field in one place fails here.
func TestRoutesAnswerTheirGeneratedShapes(t *testing.T) {
	ts, _ := datasetServer(t, 1<<20)
	if _, err := ts.db.SyncZoo(t.Context(), models.Zoo, store.ZooPrefix); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.db.SyncBuiltinDatasets(t.Context()); err != nil {
		t.Fatal(err)
	}
	get := func(path string) string {
		t.Helper()
		status, _, body := ts.do(t, "GET", path, "")
		if status != 200 {
			t.Fatalf("GET %s: %d %s", path, status, body)
		}
		return body
	}

	status, body := ts.uploadDataset(t, "/api/datasets?upload_id=shape-test", formField{name: "name", body: []byte("shapes")},
		formField{name: "file", fileName: "shapes.zip", body: shapesZip(t)})
	if status != 201 {
		t.Fatalf("upload: %d %s", status, body)
	}
	ds := sameShape[DatasetView](t, "POST /api/datasets", body)
	if ds.Report == nil || ds.Status != "ready" || len(ds.Classes) == 0 {
		t.Fatalf("upload answer %+v", ds)
	}
	sameShape[DatasetView](t, "GET /api/datasets/:id", get("/api/datasets/"+ds.ID))
	if list := sameShape[DatasetList](t, "GET /api/datasets", get("/api/datasets")); len(list.Datasets) < 2 {
		t.Fatalf("want the upload and the built-ins: %+v", list)
	}
	_, _, body = ts.do(t, "PATCH", "/api/datasets/"+ds.ID, `{"name":"renamed"}`)
	sameShape[DatasetView](t, "PATCH /api/datasets/:id", body)
	if p := sameShape[UploadProgress](t, "GET /api/uploads/:id/progress", get("/api/uploads/shape-test/progress")); !p.Done {
		t.Fatalf("progress %+v", p)
	}

	models := sameShape[ModelList](t, "GET /api/models", get("/api/models"))
	if len(models.Models) == 0 {
		t.Fatal("no models")
	}
	for _, m := range models.Models {
		one := sameShape[ModelView](t, "GET /api/models/:id", get("/api/models/"+m.ID))
		// The card is stored as the engine wrote it: it must be the engine's Card.
		sameShape[nn.Card](t, "card of "+m.ID, string(one.Card), ".optimizer")
	}

	fine, scratch := seedRuns(t, ts.db)
	sameShape[Comparison](t, "GET /api/compare", get(fmt.Sprintf("/api/compare?runs=%s,%s", fine, scratch)))
	sameShape[MetricNames](t, "GET /api/runs/:id/metrics", get("/api/runs/"+fine+"/metrics"))
	sameShape[MetricCurve](t, "GET /api/runs/:id/metrics?name=", get("/api/runs/"+fine+"/metrics?name=val_acc"))
	sameShape[LabelledRun](t, "GET /api/runs/:id", get("/api/runs/"+fine))
	sameShape[ExperimentList](t, "GET /api/experiments", get("/api/experiments"))
	sameShape[ExperimentView](t, "GET /api/experiments/:id", get("/api/experiments/exp_1"))
	sameShape[SpecView](t, "GET /api/experiments/spec", get("/api/experiments/spec"))
	sameShape[HealthView](t, "GET /api/health", get("/api/health"))
}

// The evaluation route serves what a finished arm stored: the engine's Evaluation.
func TestEvaluationAnswersTheEnginesShape(t *testing.T) {
	ts := newTestServer(t)
	fine, _ := seedRuns(t, ts.db)
	ev := jobs.Evaluation{Classes: []string{"a", "b"}, Drift: map[string]float64{"conv1": 0.1},
		Test: &train.Report{N: 2, Loss: 0.5, Accuracy: 0.5, PerClass: []train.ClassMetrics{{Class: 0, Precision: 1, Recall: 0.5, F1: 0.67, Support: 2}},
			Confusion: [][]int{{1, 1}, {0, 0}}, Misclassified: []train.Miss{{Index: 1, True: 0, Pred: 1, Confidence: 0.9}}},
		Result: train.Result{Steps: 10, Epochs: 1, History: []train.EvalMetrics{{Step: 10, Epoch: 1}}}}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.db.FinishArm(t.Context(), store.FinishedArm{RunID: fine, Evaluation: string(b),
		Model: store.Model{ID: "model-f", Name: "m", Arch: "cnn", Classes: `["a","b"]`, Card: "{}"}}); err != nil {
		t.Fatal(err)
	}
	status, _, body := ts.do(t, "GET", "/api/runs/"+fine+"/evaluation", "")
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	sameShape[jobs.Evaluation](t, "GET /api/runs/:id/evaluation", body, ".result.history[0].drift")
}

// The account routes the web app reads answer their generated shapes too.
func TestAccountRoutesAnswerTheirGeneratedShapes(t *testing.T) {
	ts := newTestServer(t, withAccounts)
	ada := signIn(t, ts, "ada", true)
	o := seedOwned(t, ts.db, ada, "a")
	call := func(method, path, body string) string {
		t.Helper()
		status, _, out := ada.do(t, method, path, body)
		if status >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, status, out)
		}
		return out
	}
	sameShape[MeView](t, "GET /api/auth/me", call("GET", "/api/auth/me", ""))
	sameShape[NewTokenView](t, "POST /api/tokens", call("POST", "/api/tokens", `{"name":"notebook"}`))
	if list := sameShape[TokenList](t, "GET /api/tokens", call("GET", "/api/tokens", "")); len(list.Tokens) != 1 {
		t.Fatalf("tokens %+v", list)
	}
	sameShape[UserList](t, "GET /api/users", call("GET", "/api/users", ""))
	sameShape[SharedView](t, "PUT /api/datasets/:id/shared", call("PUT", "/api/datasets/"+o.dataset+"/shared", `{"shared":true}`))
}
