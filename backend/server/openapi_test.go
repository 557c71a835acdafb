package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

// loadOpenAPI parses and validates the served document, its examples against their
// schemas included.
func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openAPIDoc)
	if err != nil {
		t.Fatalf("backend/server/openapi.json does not parse: %v", err)
	}
	if err := doc.Validate(loader.Context, openapi3.EnableExamplesValidation()); err != nil {
		t.Fatalf("backend/server/openapi.json is not valid OpenAPI 3: %v", err)
	}
	return doc
}

var ginParam = regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)

// openAPIPath turns Gin's /api/runs/:id into OpenAPI's /api/runs/{id}.
func openAPIPath(ginPath string) string { return ginParam.ReplaceAllString(ginPath, "{$1}") }

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	doc := loadOpenAPI(t)
	routes := New(Deps{Queue: okPinger{}}).Routes()
	registered := map[string]bool{}
	var missing []string
	for _, r := range routes {
		path := openAPIPath(r.Path)
		registered[r.Method+" "+path] = true
		item := doc.Paths.Find(path)
		if item == nil || item.GetOperation(r.Method) == nil {
			missing = append(missing, r.Method+" "+r.Path)
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		method, path, _ := strings.Cut(m, " ")
		t.Errorf("route %s is served but not described: add to backend/server/openapi.json under \"paths\" the key %q with %q: {\"summary\", \"tags\", \"parameters\" (each path {param} with an \"example\"), \"responses\"; a JSON request body needs an \"example\" that the route accepts}",
			m, openAPIPath(path), strings.ToLower(method))
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if !registered[method+" "+path] {
				t.Errorf("backend/server/openapi.json describes %s %s, which no route serves: remove it, or register the route in New (backend/server/router.go)", method, path)
			}
		}
	}
}

// seedExamples adds the rows the document's examples name, as an import, the zoo sync
// and a created experiment would, and signs in as the admin they belong to: the rows
// are made before accounts, and the first admin adopts them as a server start does.
func seedExamples(t *testing.T, ts *testServer) *person {
	t.Helper()
	db := ts.db
	ada := signIn(t, ts, "ada", true)
	seedCatalog(t, db)
	ctx := context.Background()
	now := time.Now().UTC()
	ds := &store.Dataset{ID: "ds_example", Name: "digits", Status: "ready", Channels: 1, Height: 28, Width: 28, NumClasses: 5, CreatedAt: now, UpdatedAt: now}
	if err := db.CreateDataset(ctx, ds); err != nil {
		t.Fatal(err)
	}
	e := store.Experiment{ID: "exp_example", Name: "e", DatasetID: "ds_example", Hyper: `{}`, CreatedAt: now, UpdatedAt: now,
		Runs: []store.Run{
			{ID: "run_example", Strategy: "finetune", Hyper: `{"lr":0.01}`, Status: experiment.Succeeded, CreatedAt: now, UpdatedAt: now},
			{ID: "run_other", ArmIndex: 1, Strategy: "scratch", Hyper: `{"lr":0.05}`, Status: experiment.Succeeded, CreatedAt: now, UpdatedAt: now},
		}}
	if err := db.CreateExperiment(ctx, &e, nil); err != nil {
		t.Fatal(err)
	}
	// A model whose weights are in the embedded zoo, for the routes that load them.
	zoo := &store.Model{ID: "cnn-zoo", Name: "cnn", Arch: "cnn", Channels: 1, Height: 28, Width: 28, Source: "zoo",
		Path: store.ZooPrefix + "cnn-mnist04.safetensors", CreatedAt: now, UpdatedAt: now}
	if err := db.CreateModel(ctx, zoo); err != nil {
		t.Fatal(err)
	}
	sw := &store.Sweep{ID: "swp_example", Name: "s", DatasetID: "ds_example", Axis: "labels_per_class",
		Spec:      `{"axis":"labels_per_class","values":["5"],"labels":["5 per class"],"strategies":["finetune","scratch"],"replicates":1}`,
		CreatedAt: now, UpdatedAt: now}
	cell := &store.Experiment{ID: "exp_cell", Name: "s · 5 per class", DatasetID: "ds_example", Hyper: `{"labels_per_class":5}`,
		Summary: "{}", SweepID: sw.ID, CreatedAt: now, UpdatedAt: now,
		Runs: []store.Run{{ID: "run_cell", Strategy: "finetune", Hyper: `{}`, Status: experiment.Queued, CreatedAt: now, UpdatedAt: now}}}
	if err := db.CreateSweep(ctx, sw, []*store.Experiment{cell}, nil); err != nil {
		t.Fatal(err)
	}
	runID := "run_example"
	m := &store.Model{ID: "model_example", Name: "trained", Arch: "cnn", Channels: 1, Height: 28, Width: 28, Classes: "[]",
		Source: store.SourceRun, Card: "{}", Path: "models/user/model_example.safetensors", RunID: &runID, CreatedAt: now, UpdatedAt: now}
	if err := db.CreateModel(ctx, m); err != nil {
		t.Fatal(err)
	}
	if n, err := db.AdoptUnowned(ctx, ada.id); err != nil || n < 4 {
		t.Fatalf("the admin adopted %d rows: %v", n, err)
	}
	return ada
}

// TestOpenAPIExamplesAreAcceptedByTheRealRoutes sends every example request body of the
// document to the real router on a real SQLite file, and checks the answer is a success
// that matches the documented response.
func TestOpenAPIExamplesAreAcceptedByTheRealRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	ts := newTestServer(t, withRules, withAccounts)
	ada := seedExamples(t, ts)
	doc.Servers = openapi3.Servers{{URL: ts.URL}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.RequestBody == nil {
				continue
			}
			media := op.RequestBody.Value.Content.Get("application/json")
			if media == nil {
				continue // multipart uploads: their files are tested in the handlers' own tests
			}
			if media.Example == nil {
				t.Errorf("%s %s takes JSON but its requestBody has no \"example\" in backend/server/openapi.json: add one the route accepts", method, path)
				continue
			}
			body, err := json.Marshal(media.Example)
			if err != nil {
				t.Fatal(err)
			}
			if path == "/api/experiments" && method == http.MethodPost {
				if _, err := experiment.DecodeRequest(body); err != nil {
					t.Errorf("the experiment example is refused by the rules: %v", err)
				}
			}
			url := fillPathExamples(t, path, op.Parameters)
			req, err := http.NewRequest(method, ts.URL+url, bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.AddCookie(ada.cookie)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
				t.Errorf("%s %s with the document's example %s answered %d %s; fix the example in backend/server/openapi.json or the route", method, url, body, resp.StatusCode, got)
				continue
			}
			checkResponse(t, router, req, body, resp, got)
			sent++
		}
	}
	if sent < 3 {
		t.Fatalf("only %d example bodies were sent; the document lost its examples", sent)
	}
}

// fillPathExamples puts each path parameter's example into the path.
func fillPathExamples(t *testing.T, path string, params openapi3.Parameters) string {
	t.Helper()
	for _, p := range params {
		if p.Value.In != "path" {
			continue
		}
		ex, ok := p.Value.Example.(string)
		if !ok {
			t.Fatalf("path parameter %s of %s has no string example in backend/server/openapi.json", p.Value.Name, path)
		}
		path = strings.ReplaceAll(path, "{"+p.Value.Name+"}", ex)
	}
	return path
}

// checkResponse validates a real answer against the response the document describes.
func checkResponse(t *testing.T, router routers.Router, req *http.Request, reqBody []byte, resp *http.Response, body []byte) {
	t.Helper()
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Errorf("%s %s: no operation of the document matches: %v", req.Method, req.URL.Path, err)
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(body))}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s %s answered what backend/server/openapi.json does not describe: %v", req.Method, req.URL.Path, err)
	}
}

// TestOpenAPIReadsAnswerAsDescribed sends every JSON read the document describes, with
// its parameters' examples, and checks the status and body are among those described.
func TestOpenAPIReadsAnswerAsDescribed(t *testing.T) {
	doc := loadOpenAPI(t)
	ts := newTestServer(t, withRules, withAccounts)
	ada := seedExamples(t, ts)
	doc.Servers = openapi3.Servers{{URL: ts.URL}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths.Map() {
		op := item.Get
		if op == nil || strings.HasSuffix(path, "/live") {
			continue // the live route is a websocket: live_test.go covers it
		}
		if ok := op.Responses.Status(http.StatusOK); ok == nil || ok.Value.Content.Get("application/json") == nil {
			continue // images, weights and metrics: their handlers' tests read them with real files
		}
		url := fillPathExamples(t, path, op.Parameters)
		var query []string
		for _, p := range op.Parameters {
			if p.Value.In == "query" && p.Value.Example != nil {
				query = append(query, p.Value.Name+"="+p.Value.Example.(string))
			}
		}
		if len(query) > 0 {
			url += "?" + strings.Join(query, "&")
		}
		req, err := http.NewRequest(http.MethodGet, ts.URL+url, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.AddCookie(ada.cookie)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Errorf("GET %s answered %d %s", url, resp.StatusCode, got)
			continue
		}
		checkResponse(t, router, req, nil, resp, got)
	}
}
