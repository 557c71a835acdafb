package server

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"transferlab/backend/datadir"
	"transferlab/backend/experiment"
	"transferlab/backend/experiment/space"
	"transferlab/backend/experiment/trainmap"
	"transferlab/backend/jobs"
	"transferlab/backend/live"
	"transferlab/backend/store"
	"transferlab/models"
)

// seedCatalog adds a ready dataset and a zoo model, as an import and the zoo sync do.
func seedCatalog(t *testing.T, db *store.DB) {
	t.Helper()
	now := time.Now().UTC()
	ctx := context.Background()
	for _, ds := range []*store.Dataset{
		{ID: "ds_ready", Name: "digits", Status: "ready", Channels: 1, Height: 28, Width: 28, NumClasses: 5, CreatedAt: now, UpdatedAt: now},
		{ID: "ds_importing", Name: "big", Status: "importing", CreatedAt: now, UpdatedAt: now},
	} {
		if err := db.CreateDataset(ctx, ds); err != nil {
			t.Fatal(err)
		}
	}
	m := &store.Model{ID: "cnn-mnist04", Name: "cnn", Arch: "cnn", Channels: 1, Height: 28, Width: 28, Path: "zoo:x", CreatedAt: now, UpdatedAt: now}
	if err := db.CreateModel(ctx, m); err != nil {
		t.Fatal(err)
	}
}

// rowsOnly launches by creating the experiment's rows and queuing nothing: the tests of
// the API's checks need no training.
type rowsOnly struct{ db *store.DB }

func (l rowsOnly) Launch(ctx context.Context, e *store.Experiment) error {
	return l.db.CreateExperiment(ctx, e, nil)
}
func (rowsOnly) CancelRun(context.Context, string) error { return nil }

// withRules gives a test server the engine's architectures, so the rules can check the
// network an experiment would build, and a launcher that only creates rows.
func withRules(d *Deps) {
	r := jobs.NewRunner(d.DB, live.NewHub(1, 1), models.Zoo, datadir.Layout{}, nil, 1)
	d.Architectures, d.Scorer, d.Timer = r, r, r
	d.Jobs = rowsOnly{db: d.DB}
}

func TestCreateExperimentRefusesBadRequestsWithReasons(t *testing.T) {
	ts := newTestServer(t, withRules)
	seedCatalog(t, ts.db)
	cases := []struct{ name, body, code string }{
		{"not json", `{`, "bad_json"},
		{"unknown field", `{"dataset_id":"ds_ready","colour":"red"}`, "bad_json"},
		{"no dataset", `{"base_model_id":"cnn-mnist04"}`, "missing_dataset"},
		{"unknown dataset", `{"dataset_id":"ds_nope","base_model_id":"cnn-mnist04"}`, "unknown_dataset"},
		{"dataset still importing", `{"dataset_id":"ds_importing","base_model_id":"cnn-mnist04"}`, "dataset_not_ready"},
		{"fine-tune without base", `{"dataset_id":"ds_ready"}`, "missing_base_model"},
		{"scratch without arch", `{"dataset_id":"ds_ready","arms":[{"strategy":"scratch"}]}`, "missing_arch"},
		{"unknown model", `{"dataset_id":"ds_ready","base_model_id":"gpt"}`, "unknown_model"},
		{"bad strategy", `{"dataset_id":"ds_ready","base_model_id":"cnn-mnist04","arms":[{"strategy":"freeze:x"}]}`, "bad_strategy"},
		{"negative lr", `{"dataset_id":"ds_ready","base_model_id":"cnn-mnist04","hyper":{"lr":-1}}`, "bad_hyper"},
		{"arm override out of range", `{"dataset_id":"ds_ready","base_model_id":"cnn-mnist04","arms":[{"strategy":"finetune","hyper":{"epochs":0}}]}`, "bad_hyper"},
		{"unknown optimiser", `{"dataset_id":"ds_ready","base_model_id":"cnn-mnist04","hyper":{"optimizer":"lion"}}`, "bad_hyper"},
		{"unknown arch", `{"dataset_id":"ds_ready","arch":"resnet","arms":[{"strategy":"scratch"}]}`, "bad_arch"},
		{"arch not the base model's", `{"dataset_id":"ds_ready","base_model_id":"cnn-mnist04","arch":"mlp"}`, "bad_arch"},
		{"batch-norm re-estimation on a model without batch norm", `{"dataset_id":"ds_ready","base_model_id":"cnn-mnist04","hyper":{"bn_reestimate":true}}`, "bad_hyper"},
		{"batch-norm re-estimation with no base model", `{"dataset_id":"ds_ready","arch":"cnn","arms":[{"strategy":"scratch","hyper":{"bn_reestimate":true}}]}`, "bad_hyper"},
		{"another input size for a fixed-size model", `{"dataset_id":"ds_ready","base_model_id":"cnn-mnist04","hyper":{"input_size":96}}`, "bad_hyper"},
		{"freezing the head too", `{"dataset_id":"ds_ready","base_model_id":"cnn-mnist04","arms":[{"strategy":"freeze:4"}]}`, "bad_strategy"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := ts.do(t, "POST", "/api/experiments", tc.body)
			if status != 400 || errorCode(t, body) != tc.code {
				t.Fatalf("status %d body %s; want 400 %s", status, body, tc.code)
			}
		})
	}
	if es, err := ts.db.Experiments(context.Background(), 10); err != nil || len(es) != 0 {
		t.Fatalf("%d experiments left behind by refused requests (%v)", len(es), err)
	}
}

func TestUnknownIDsAreNotFound(t *testing.T) {
	ts := newTestServer(t)
	for _, path := range []string{"/api/experiments/exp_x", "/api/runs/run_x", "/api/runs/run_x/metrics?name=val_acc", "/api/models/m_x"} {
		status, _, body := ts.do(t, "GET", path, "")
		if status != 404 || errorCode(t, body) != "not_found" {
			t.Fatalf("%s: %d %s", path, status, body)
		}
	}
	status, _, body := ts.do(t, "GET", "/api/compare?runs=run_x,run_y", "")
	if status != 404 || errorCode(t, body) != "unknown_run" {
		t.Fatalf("compare unknown: %d %s", status, body)
	}
	status, _, body = ts.do(t, "GET", "/api/compare", "")
	if status != 400 || errorCode(t, body) != "bad_runs" {
		t.Fatalf("compare nothing: %d %s", status, body)
	}
}

// TestAPIRefusesExactlyWhatTheRulesRefuse walks the settings space through POST
// /api/experiments. What the rules accept is created with exactly those settings (the
// trainmap test trains every such case); what they refuse is refused with the rules'
// own message, so the API adds no limits of its own and drops none.
func TestAPIRefusesExactlyWhatTheRulesRefuse(t *testing.T) {
	// Hundreds of cases from one client: the per-client write limit is not under test.
	ts := newTestServer(t, withRules, func(d *Deps) { d.Limits.WritesPerSecond, d.Limits.WriteBurst = 1e6, 1e6 })
	seedCatalog(t, ts.db)
	layers, err := trainmap.Layers("cnn", experiment.Input{Channels: 1, Height: 28, Width: 28}, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range space.Cases(len(layers)) {
		body, _ := json.Marshal(map[string]any{"dataset_id": "ds_ready", "base_model_id": "cnn-mnist04",
			"arms": []map[string]string{{"strategy": c.Strategy}, {"strategy": "scratch"}}, "hyper": c.Hyper})
		h, herr := experiment.ParseHyper(c.Hyper)
		s, serr := experiment.ParseStrategy(c.Strategy)
		if serr == nil {
			serr = s.CheckLayers(len(layers))
		}
		status, _, resp := ts.do(t, "POST", "/api/experiments", string(body))
		switch {
		case serr != nil:
			if status != 400 || errorCode(t, resp) != "bad_strategy" || !strings.Contains(resp, jsonText(serr.Error())) {
				t.Errorf("%s: %d %s; want 400 with %q", c.Name, status, resp, serr)
			}
		case herr != nil:
			if status != 400 || errorCode(t, resp) != "bad_hyper" || !strings.Contains(resp, jsonText(herr.Error())) {
				t.Errorf("%s: %d %s; want 400 with %q", c.Name, status, resp, herr)
			}
		case h.BNReestimate: // the digit cnn has no batch norm to re-estimate
			if status != 400 || errorCode(t, resp) != "bad_hyper" || !strings.Contains(resp, "has no batch norm to re-estimate") {
				t.Errorf("%s: %d %s; want 400 saying the model has no batch norm", c.Name, status, resp)
			}
		case h.InputSize != 0: // nor does it take another input size
			if status != 400 || errorCode(t, resp) != "bad_hyper" || !strings.Contains(resp, "takes only its own input size") {
				t.Errorf("%s: %d %s; want 400 saying the model takes only its own size", c.Name, status, resp)
			}
		default:
			var e struct {
				Runs []struct {
					Hyper experiment.Hyper `json:"hyper"`
				} `json:"runs"`
			}
			// Two arms, once per replicate; the first run is replicate 0, with the seed asked for.
			if status != 201 || json.Unmarshal([]byte(resp), &e) != nil || len(e.Runs) != 2*h.Replicates || e.Runs[0].Hyper != h {
				t.Errorf("%s: %d %s; want 201 with %+v", c.Name, status, resp, h)
			}
		}
	}
}

// jsonText is s as it appears inside a JSON string.
func jsonText(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

func TestSpecRouteServesTheRules(t *testing.T) {
	ts := newTestServer(t)
	status, _, body := ts.do(t, "GET", "/api/experiments/spec", "")
	var spec SpecView
	if status != 200 || json.Unmarshal([]byte(body), &spec) != nil {
		t.Fatalf("%d %s", status, body)
	}
	// The wizard's defaults are the table's, but for the replicates it suggests.
	want := experiment.DefaultHyper()
	want.Replicates = experiment.WizardReplicates
	if len(spec.Settings) != len(experiment.Settings) || spec.Defaults != want ||
		len(spec.Strategies) != len(experiment.Strategies) || spec.MaxArms != experiment.MaxArms {
		t.Fatalf("spec %s", body)
	}
	lr, _ := experiment.SettingNamed("lr")
	for _, s := range spec.Settings {
		if s.Name == "lr" && (s.Min == nil || *s.Min != *lr.Min || !s.MinExclusive) {
			t.Fatalf("lr limits lost on the way: %+v", s)
		}
	}
	// The route sits beside /:id without shadowing it.
	if status, _, _ := ts.do(t, "GET", "/api/experiments/exp_x", ""); status != 404 {
		t.Fatalf("an experiment id after the spec route: %d", status)
	}
}
