package server

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"transferlab/backend/datadir"
	"transferlab/backend/live"
)

// fillRoute puts ids into a Gin route path: the :id of its family, and plain values in
// any other parameter.
func fillRoute(path, id string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		switch {
		case p == ":id":
			parts[i] = id
		case strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*"):
			parts[i] = "0"
		}
	}
	return strings.Join(parts, "/")
}

// TestAnotherPersonsPrivateRowsAnswer404OnEveryRoute walks every route the router
// serves with an :id, as another signed-in person, at the first person's private row
// of that family: each one must answer 404 as for a row that does not exist, so that
// a route added later is held to the rule too. A family this test has no row for
// fails it: add the row to seedOwned and the family below.
func TestAnotherPersonsPrivateRowsAnswer404OnEveryRoute(t *testing.T) {
	ts := newTestServer(t, withRules, withAccounts)
	ada := signIn(t, ts, "ada", true)
	bob := signIn(t, ts, "bob", false)
	seedZoo(t, ts.db)
	mine := seedOwned(t, ts.db, ada, "ada")
	seedOwned(t, ts.db, bob, "bob")
	_, _, tok := ada.do(t, "POST", "/api/tokens", `{"name":"notebook"}`)
	var adaToken string
	if i := strings.Index(tok, `"id":"`); i >= 0 {
		adaToken = tok[i+6 : i+6+strings.Index(tok[i+6:], `"`)]
	}
	families := map[string]string{
		"/api/datasets/":    mine.dataset,
		"/api/experiments/": mine.experiment,
		"/api/runs/":        mine.run,
		"/api/models/":      mine.model,
		"/api/tokens/":      adaToken,
		"/api/sweeps/":      mine.sweep,
	}
	checked := 0
	for _, r := range New(Deps{Queue: okPinger{}}).Routes() {
		if !strings.Contains(r.Path, "/:id") {
			continue
		}
		var id string
		for prefix, v := range families {
			if strings.HasPrefix(r.Path, prefix) {
				id = v
			}
		}
		if id == "" {
			t.Errorf("%s %s serves rows by id, but this test has none of its family: give seedOwned one, add the family here, and guard the route group with ownedBy (access.go)", r.Method, r.Path)
			continue
		}
		url := fillRoute(r.Path, id)
		body := ""
		if r.Method == "PUT" || r.Method == "PATCH" || r.Method == "POST" {
			body = `{}`
		}
		status, _, got := bob.do(t, r.Method, url, body)
		if status != http.StatusNotFound || errorCode(t, got) != "not_found" {
			t.Errorf("bob %s %s (ada's private row) answered %d %s, want 404 not_found", r.Method, url, status, got)
		}
		// The owner still gets past the guard: whatever they get, it is not a 404.
		if r.Method == "GET" && !strings.HasSuffix(r.Path, "/live") && !strings.Contains(r.Path, "/images/") && !strings.HasSuffix(r.Path, "/preview") && !strings.HasSuffix(r.Path, "/weights") {
			if status, _, got := ada.do(t, r.Method, url, ""); status == http.StatusNotFound && errorCode(t, got) == "not_found" {
				t.Errorf("ada %s %s (her own row) answered 404 %s", r.Method, url, got)
			}
		}
		checked++
	}
	if checked < 15 {
		t.Fatalf("only %d routes with ids were checked; the router lost its routes?", checked)
	}

	// Routes that name rows elsewhere than in the path answer as they do for an id that
	// was never made.
	for _, tc := range []struct{ method, url, body, missing string }{
		{"GET", "/api/compare?runs=" + mine.run + "," + mine.otherRun, "", "/api/compare?runs=run_none,run_nil"},
		{"GET", "/api/datasets/ds_bob/transferability?models=" + mine.model, "", "/api/datasets/ds_bob/transferability?models=model_none"},
		{"POST", "/api/experiments", `{"name":"steal","dataset_id":"` + mine.dataset + `","base_model_id":"cnn-mnist04","arms":[{"strategy":"scratch"},{"strategy":"finetune"}]}`, ""},
		{"POST", "/api/experiments", `{"name":"steal","dataset_id":"ds_bob","base_model_id":"` + mine.model + `","arms":[{"strategy":"scratch"},{"strategy":"finetune"}]}`, ""},
	} {
		status, _, got := bob.do(t, tc.method, tc.url, tc.body)
		missingURL, missingBody := tc.url, strings.NewReplacer(mine.dataset, "ds_none", mine.model, "model_none").Replace(tc.body)
		if tc.missing != "" {
			missingURL = tc.missing
		}
		wantStatus, _, want := bob.do(t, tc.method, missingURL, missingBody)
		if status != wantStatus || status < 400 || errorCode(t, got) != errorCode(t, want) {
			t.Errorf("bob %s %s %s answered %d %s; for a row never made it is %d %s", tc.method, tc.url, tc.body, status, got, wantStatus, want)
		}
	}
	// Lists leave the row out.
	for _, l := range []struct{ url, key, id string }{
		{"/api/datasets", "datasets", mine.dataset}, {"/api/experiments", "experiments", mine.experiment}, {"/api/models", "models", mine.model},
		{"/api/sweeps", "sweeps", mine.sweep},
	} {
		_, _, got := bob.do(t, "GET", l.url, "")
		if slices.Contains(ids(t, got, l.key), l.id) {
			t.Errorf("bob's %s lists ada's private %s", l.url, l.id)
		}
		_, _, got = ada.do(t, "GET", l.url, "")
		if !slices.Contains(ids(t, got, l.key), l.id) {
			t.Errorf("ada's %s leaves out her own %s", l.url, l.id)
		}
	}
}

// TestSharedRowsAreSeenByAllAndChangedByTheOwnerOnly shares each kind and checks
// another person may read it and use it, but not change, share or delete it.
func TestSharedRowsAreSeenByAllAndChangedByTheOwnerOnly(t *testing.T) {
	ts := newTestServer(t, withRules, withAccounts)
	ada := signIn(t, ts, "ada", true)
	bob := signIn(t, ts, "bob", false)
	seedZoo(t, ts.db)
	mine := seedOwned(t, ts.db, ada, "ada")
	for _, url := range []string{"/api/datasets/" + mine.dataset, "/api/experiments/" + mine.experiment, "/api/models/" + mine.model} {
		if status, _, got := bob.do(t, "PUT", url+"/shared", `{"shared":true}`); status != http.StatusNotFound {
			t.Fatalf("bob shared ada's private %s: %d %s", url, status, got)
		}
		if status, _, got := ada.do(t, "PUT", url+"/shared", `{"shared":true}`); status != http.StatusOK || got != `{"shared":true}` {
			t.Fatalf("ada shares %s: %d %s", url, status, got)
		}
		status, _, got := bob.do(t, "GET", url, "")
		if status != http.StatusOK || !strings.Contains(got, `"shared":true`) || !strings.Contains(got, `"owner_id":"`+ada.id+`"`) {
			t.Errorf("bob reads shared %s: %d %s", url, status, got)
		}
	}
	for _, tc := range []struct{ method, url, body string }{
		{"GET", "/api/runs/" + mine.run, ""},
		{"GET", "/api/runs/" + mine.run + "/metrics?name=val_acc", ""},
		{"GET", "/api/compare?runs=" + mine.run + "," + mine.otherRun, ""},
	} {
		if status, _, got := bob.do(t, tc.method, tc.url, tc.body); status != http.StatusOK {
			t.Errorf("bob %s %s of a shared experiment: %d %s", tc.method, tc.url, status, got)
		}
	}
	// A shared dataset and model are bob's to train on.
	status, _, got := bob.do(t, "POST", "/api/experiments", `{"name":"mine now","dataset_id":"`+mine.dataset+`","base_model_id":"cnn-mnist04","arms":[{"strategy":"scratch"},{"strategy":"finetune"}],"hyper":{"epochs":1}}`)
	if status != http.StatusCreated || !strings.Contains(got, `"owner_id":"`+bob.id+`"`) {
		t.Errorf("bob's experiment on ada's shared dataset: %d %s", status, got)
	}
	for _, tc := range []struct{ method, url, body string }{
		{"DELETE", "/api/datasets/" + mine.dataset, ""},
		{"PATCH", "/api/datasets/" + mine.dataset, `{"name":"bob's now"}`},
		{"PUT", "/api/datasets/" + mine.dataset + "/shared", `{"shared":false}`},
		{"DELETE", "/api/experiments/" + mine.experiment, ""},
		{"POST", "/api/experiments/" + mine.experiment + "/cancel", ""},
		{"PATCH", "/api/runs/" + mine.run, `{"name":"bob's"}`},
		{"POST", "/api/runs/" + mine.run + "/cancel", ""},
		{"DELETE", "/api/models/" + mine.model, ""},
		{"DELETE", "/api/models/cnn-mnist04", ""}, // made without an owner: nobody's to delete
	} {
		if status, _, got := bob.do(t, tc.method, tc.url, tc.body); status != http.StatusForbidden || errorCode(t, got) != "not_owner" {
			t.Errorf("bob %s %s of ada's shared row: %d %s, want 403 not_owner", tc.method, tc.url, status, got)
		}
	}
	// Unsharing hides it again.
	ada.do(t, "PUT", "/api/experiments/"+mine.experiment+"/shared", `{"shared":false}`)
	if status, _, _ := bob.do(t, "GET", "/api/runs/"+mine.run, ""); status != http.StatusNotFound {
		t.Errorf("a run of an unshared experiment answered bob %d", status)
	}
	if status, _, got := ada.do(t, "DELETE", "/api/experiments/"+mine.experiment, ""); status >= 300 {
		t.Errorf("ada deletes her experiment: %d %s", status, got)
	}
}

// TestBuiltinsAreEveryones shows the built-in datasets and the zoo to every account.
func TestBuiltinsAreEveryones(t *testing.T) {
	ts := newTestServer(t, withRules, withAccounts)
	if _, err := ts.db.SyncBuiltinDatasets(t.Context()); err != nil {
		t.Fatal(err)
	}
	seedZoo(t, ts.db)
	bob := signIn(t, ts, "bob", false)
	_, _, got := bob.do(t, "GET", "/api/datasets", "")
	if len(ids(t, got, "datasets")) == 0 {
		t.Errorf("bob sees no built-in dataset: %s", got)
	}
	_, _, got = bob.do(t, "GET", "/api/models", "")
	if len(ids(t, got, "models")) == 0 {
		t.Errorf("bob sees no zoo model: %s", got)
	}
}

// An upload belongs to its uploader: its progress, its images and its row are theirs,
// and another person finds none of them.
func TestAnUploadIsItsUploadersOnly(t *testing.T) {
	dir := t.TempDir()
	ts := newTestServer(t, withAccounts, func(d *Deps) { d.DataDir = datadir.New(dir) })
	ada := signIn(t, ts, "ada", false)
	bob := signIn(t, ts, "bob", false)
	status, body := ada.upload(t, "/api/datasets?upload_id=up-1",
		formField{name: "file", fileName: "shapes.zip", body: shapesZip(t)})
	if status != http.StatusCreated || !strings.Contains(body, `"owner_id":"`+ada.id+`"`) {
		t.Fatalf("ada's upload: %d %s", status, body)
	}
	ds := decodeDataset(t, body)
	for _, url := range []string{"/api/uploads/up-1/progress", "/api/datasets/" + ds.ID + "/preview?class=circle&n=4",
		"/api/datasets/" + ds.ID + "/images/0?split=test", "/api/datasets/" + ds.ID} {
		if status, _, got := ada.do(t, "GET", url, ""); status != http.StatusOK {
			t.Errorf("ada GET %s: %d %s", url, status, got)
		}
		if status, _, _ := bob.do(t, "GET", url, ""); status != http.StatusNotFound {
			t.Errorf("bob GET %s of ada's upload: %d", url, status)
		}
	}
}

// The live websocket answers a stranger 404 before upgrading, and streams to the owner
// and, once shared, to others.
func TestLiveViewIsTheOwnersUntilShared(t *testing.T) {
	hub := live.NewHub(16, 16)
	ts := newTestServer(t, withAccounts, func(d *Deps) { d.Hub = hub; d.HubID = "hub_test" })
	ada := signIn(t, ts, "ada", false)
	bob := signIn(t, ts, "bob", false)
	mine := seedOwned(t, ts.db, ada, "ada")
	url := "ws" + strings.TrimPrefix(ts.URL, "http") + "/api/experiments/" + mine.experiment + "/live"
	dial := func(p *person) (*websocket.Conn, int) {
		h := http.Header{"Cookie": {p.cookie.Name + "=" + p.cookie.Value}}
		conn, resp, err := websocket.DefaultDialer.Dial(url, h)
		if err != nil {
			if resp == nil {
				t.Fatal(err)
			}
			return nil, resp.StatusCode
		}
		var first map[string]any
		if err := conn.ReadJSON(&first); err != nil {
			t.Fatalf("no snapshot: %v", err)
		}
		conn.Close()
		return conn, http.StatusSwitchingProtocols
	}
	if _, status := dial(bob); status != http.StatusNotFound {
		t.Fatalf("bob's live view of ada's private experiment: %d", status)
	}
	if _, status := dial(ada); status != http.StatusSwitchingProtocols {
		t.Fatalf("ada's live view: %d", status)
	}
	ada.do(t, "PUT", "/api/experiments/"+mine.experiment+"/shared", `{"shared":true}`)
	if _, status := dial(bob); status != http.StatusSwitchingProtocols {
		t.Fatalf("bob's live view of the shared experiment: %d", status)
	}
}
