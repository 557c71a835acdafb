package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"transferlab/backend/accounts"
	"transferlab/backend/data"
	"transferlab/backend/experiment"
	"transferlab/backend/store"
	"transferlab/models"
)

// withAccounts turns sign-in on, with a brake tests can count on.
func withAccounts(d *Deps) {
	d.Accounts = Accounts{On: true, Brake: accounts.NewBrake(time.Minute, 5)}
}

// person is someone using the server over real HTTP: by their browser's session cookie,
// or by a personal token.
type person struct {
	ts     *testServer
	id     string
	cookie *http.Cookie
	bearer string
	header http.Header // extra headers on every request
}

const testPassword = "correct horse battery"

// addUser makes an account the way `transferlab user add` does.
func addUser(t *testing.T, db *store.DB, name string, admin bool) *store.User {
	t.Helper()
	u, err := NewUser(name, testPassword, admin)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// signIn makes an account and signs in with it through POST /api/auth/login.
func signIn(t *testing.T, ts *testServer, name string, admin bool) *person {
	t.Helper()
	u := addUser(t, ts.db, name, admin)
	status, h, body := ts.do(t, "POST", "/api/auth/login", `{"name":"`+name+`","password":"`+testPassword+`"}`)
	if status != http.StatusOK {
		t.Fatalf("sign in as %s: %d %s", name, status, body)
	}
	p := &person{ts: ts, id: u.ID}
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == sessionCookie {
			p.cookie = c
		}
	}
	if p.cookie == nil {
		t.Fatalf("sign in as %s set no session cookie: %v", name, h)
	}
	return p
}

func (p *person) do(t *testing.T, method, path, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, p.ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if p.cookie != nil {
		req.AddCookie(&http.Cookie{Name: p.cookie.Name, Value: p.cookie.Value})
	}
	if p.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+p.bearer)
	}
	for k, vs := range p.header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// owned is one person's rows of every kind: a dataset, an experiment with two runs
// and a trained model.
type owned struct {
	dataset, experiment, run, otherRun, model, sweep string
}

// seedOwned makes p's rows as their requests would: the store stamps the viewer in
// the context as the owner.
func seedOwned(t *testing.T, db *store.DB, p *person, tag string) owned {
	t.Helper()
	ctx := store.WithViewer(context.Background(), store.Viewer{UserID: p.id})
	now := time.Now().UTC()
	o := owned{dataset: "ds_" + tag, experiment: "exp_" + tag, run: "run_" + tag, otherRun: "run_" + tag + "_b", model: "model_" + tag, sweep: "swp_" + tag}
	ds := &store.Dataset{ID: o.dataset, Name: "digits " + tag, Status: data.DatasetReady, Source: store.SourceUpload,
		Channels: 1, Height: 28, Width: 28, NumClasses: 5, Classes: "[]", Splits: "{}", Stats: "{}", Report: "{}", CreatedAt: now, UpdatedAt: now}
	if err := db.CreateDataset(ctx, ds); err != nil {
		t.Fatal(err)
	}
	e := &store.Experiment{ID: o.experiment, Name: "e " + tag, DatasetID: o.dataset, BaseModelID: o.model, Hyper: "{}", Summary: "{}", CreatedAt: now, UpdatedAt: now,
		Runs: []store.Run{
			{ID: o.run, Strategy: "finetune", Hyper: `{"lr":0.01}`, Status: experiment.Succeeded, CreatedAt: now, UpdatedAt: now},
			{ID: o.otherRun, ArmIndex: 1, Strategy: "scratch", Hyper: `{"lr":0.01}`, Status: experiment.Succeeded, CreatedAt: now, UpdatedAt: now},
		}}
	if err := db.CreateExperiment(ctx, e, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.AddMetrics(ctx, []store.Metric{{RunID: o.run, Name: "val_acc", Step: 1, Value: 0.5}, {RunID: o.otherRun, Name: "val_acc", Step: 1, Value: 0.4}}); err != nil {
		t.Fatal(err)
	}
	runID := o.run
	m := &store.Model{ID: o.model, Name: "trained " + tag, Arch: "cnn", Channels: 1, Height: 28, Width: 28, Classes: `["5","6","7","8","9"]`,
		Source: store.SourceRun, Card: "{}", Path: "models/user/" + o.model + ".safetensors", RunID: &runID, CreatedAt: now, UpdatedAt: now}
	if err := db.CreateModel(ctx, m); err != nil {
		t.Fatal(err)
	}
	sw := &store.Sweep{ID: o.sweep, Name: "sweep " + tag, DatasetID: o.dataset, Axis: "lr",
		Spec: `{"axis":"lr","values":["0.01"],"labels":["lr 0.01"],"strategies":["finetune"],"replicates":1}`, CreatedAt: now, UpdatedAt: now}
	cell := &store.Experiment{ID: "exp_cell_" + tag, Name: "cell " + tag, DatasetID: o.dataset, Hyper: "{}", Summary: "{}",
		SweepID: o.sweep, CreatedAt: now, UpdatedAt: now,
		Runs: []store.Run{{ID: "run_cell_" + tag, Strategy: "finetune", Hyper: "{}", Status: experiment.Succeeded, CreatedAt: now, UpdatedAt: now}}}
	if err := db.CreateSweep(ctx, sw, []*store.Experiment{cell}, nil); err != nil {
		t.Fatal(err)
	}
	return o
}

// ids lists the ids in a list answer under key.
func ids(t *testing.T, body, key string) []string {
	t.Helper()
	var v map[string][]struct {
		ID string `json:"id"`
	}
	var list []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(body), &v); err == nil {
		list = v[key]
	} else if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatalf("not a list: %s", body)
	}
	var out []string
	for _, x := range list {
		out = append(out, x.ID)
	}
	return out
}

// seedZoo records the shipped models, which every account may use.
func seedZoo(t *testing.T, db *store.DB) {
	t.Helper()
	if _, err := db.SyncZoo(t.Context(), models.Zoo, store.ZooPrefix); err != nil {
		t.Fatal(err)
	}
}

// upload sends a multipart dataset upload as p.
func (p *person) upload(t *testing.T, path string, fields ...formField) (int, string) {
	t.Helper()
	body, ct := multipartBody(t, fields...)
	req, err := http.NewRequest("POST", p.ts.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	req.AddCookie(&http.Cookie{Name: p.cookie.Name, Value: p.cookie.Value})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
