package server

import (
	"testing"
	"time"

	"transferlab/backend/store"
)

// seedCatalog adds a ready dataset and a zoo model, as an import and the zoo sync do.
func seedCatalog(t *testing.T, db *store.DB) {
	t.Helper()
	now := time.Now().UTC()
	rows := []any{
		&store.Dataset{ID: "ds_ready", Name: "digits", Status: "ready", Channels: 1, Height: 28, Width: 28, NumClasses: 5, CreatedAt: now, UpdatedAt: now},
		&store.Dataset{ID: "ds_importing", Name: "big", Status: "importing", CreatedAt: now, UpdatedAt: now},
		&store.Model{ID: "cnn-mnist04", Name: "cnn", Arch: "cnn", Channels: 1, Height: 28, Width: 28, Path: "zoo:x", CreatedAt: now, UpdatedAt: now},
	}
	for _, r := range rows {
		if err := db.Gorm.Create(r).Error; err != nil {
			t.Fatal(err)
		}
	}
}

func TestCreateExperimentRefusesBadRequestsWithReasons(t *testing.T) {
	ts := newTestServer(t)
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
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := ts.do(t, "POST", "/api/experiments", tc.body)
			if status != 400 || errorCode(t, body) != tc.code {
				t.Fatalf("status %d body %s; want 400 %s", status, body, tc.code)
			}
		})
	}
	var n int64
	ts.db.Gorm.Model(&store.Experiment{}).Count(&n)
	if n != 0 {
		t.Fatalf("%d experiments left behind by refused requests", n)
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
