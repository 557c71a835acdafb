package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestCreateSweepRefusesBadRequestsWithReasons(t *testing.T) {
	ts := newTestServer(t, withRules)
	seedCatalog(t, ts.db)
	base := `"dataset_id":"ds_ready","base_model_id":"cnn-mnist04"`
	cases := []struct{ name, body, code, says string }{
		{"not json", `{`, "bad_json", "send a sweep"},
		{"arms instead of strategies", `{` + base + `,"axis":"lr","values":[0.01],"arms":[]}`, "bad_json", "unknown field"},
		{"no axis", `{` + base + `,"values":[1]}`, "bad_axis", "labels_per_class, freeze_depth, base_model, lr"},
		{"unknown axis", `{` + base + `,"axis":"colour","values":[1]}`, "bad_axis", `colour`},
		{"no values", `{` + base + `,"axis":"labels_per_class","values":[]}`, "missing_values", "e.g."},
		{"too many values", `{` + base + `,"axis":"labels_per_class","values":[1,2,3,4,5,6,7,8,9,10,11,12,13]}`, "too_many_values", "at most 12"},
		{"zero labels", `{` + base + `,"axis":"labels_per_class","values":[0,5]}`, "bad_value", "whole number from 1"},
		{"fractional labels", `{` + base + `,"axis":"labels_per_class","values":[2.5]}`, "bad_value", "whole number"},
		{"a word for labels", `{` + base + `,"axis":"labels_per_class","values":["many"]}`, "bad_value", `from 1 to 100000, or`},
		{"a value twice", `{` + base + `,"axis":"labels_per_class","values":[5,10,5]}`, "bad_value", "5 per class twice"},
		{"labels in hyper too", `{` + base + `,"axis":"labels_per_class","values":[5],"hyper":{"labels_per_class":3}}`, "bad_hyper", "the sweep's axis"},
		{"replicates in hyper", `{` + base + `,"axis":"lr","values":[0.01],"hyper":{"replicates":2}}`, "bad_hyper", "sweep's replicates"},
		{"too many replicates", `{` + base + `,"axis":"lr","values":[0.01],"replicates":11}`, "bad_replicates", "1 to 10"},
		{"negative lr", `{` + base + `,"axis":"lr","values":[-0.1]}`, "bad_value", "above 0"},
		{"freeze too deep", `{` + base + `,"axis":"freeze_depth","values":[0,4]}`, "bad_strategy", "Value freeze 4: Arm 1: freeze:4 would freeze every layer"},
		{"freeze sweep with fine-tune strategy", `{` + base + `,"axis":"freeze_depth","values":[1],"strategies":["finetune"]}`, "bad_strategy", "only be scratch"},
		{"base model sweep with a base model", `{` + base + `,"axis":"base_model","values":["cnn-mnist04"]}`, "bad_base_model", "leave base_model_id out"},
		{"unknown base model", `{"dataset_id":"ds_ready","axis":"base_model","values":["gpt"]}`, "unknown_model", "Value gpt: No model"},
		{"unknown strategy", `{` + base + `,"axis":"lr","values":[0.01],"strategies":["magic"]}`, "bad_strategy", "not one of"},
		{"dataset still importing", `{"dataset_id":"ds_importing","base_model_id":"cnn-mnist04","axis":"lr","values":[0.01]}`, "dataset_not_ready", "wait for its import"},
		{"too many runs", `{` + base + `,"axis":"labels_per_class","values":[1,2,3,4,5,6,7,8,9,10,11,12],"strategies":["finetune","scratch","linear-probe"],"replicates":10}`, "sweep_too_large", "at most 240"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := ts.do(t, http.MethodPost, "/api/sweeps", tc.body)
			if status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", status, body)
			}
			if code := errorCode(t, body); code != tc.code {
				t.Fatalf("code %q, want %q: %s", code, tc.code, body)
			}
			if !strings.Contains(body, tc.says) {
				t.Fatalf("message does not say %q: %s", tc.says, body)
			}
		})
	}
	status, _, body := ts.do(t, http.MethodGet, "/api/sweeps", "")
	if status != http.StatusOK || !strings.Contains(body, `"sweeps":[]`) {
		t.Fatalf("refused sweeps left rows behind: %d %s", status, body)
	}
	if status, _, _ := ts.do(t, http.MethodGet, "/api/sweeps/swp_nope", ""); status != http.StatusNotFound {
		t.Fatalf("unknown sweep: %d", status)
	}
}

func TestCreateSweepMakesOneExperimentPerValue(t *testing.T) {
	ts := newTestServer(t, withRules)
	seedCatalog(t, ts.db)
	status, _, body := ts.do(t, http.MethodPost, "/api/sweeps",
		`{"dataset_id":"ds_ready","base_model_id":"cnn-mnist04","axis":"labels_per_class","values":["all",10,2],"hyper":{"epochs":3}}`)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	var v SweepView
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(v.Spec.Values, ","); got != "2,10,all" {
		t.Fatalf("values in axis order: %s", got)
	}
	if len(v.CellViews) != 3 || v.Runs != 3*2*3 || v.Spec.Replicates != 3 {
		t.Fatalf("cells %d, runs %d, replicates %d", len(v.CellViews), v.Runs, v.Spec.Replicates)
	}
	for i, want := range []int{2, 10, 0} {
		c := v.CellViews[i]
		status, _, eb := ts.do(t, http.MethodGet, "/api/experiments/"+c.ExperimentID, "")
		var e ExperimentView
		if status != http.StatusOK || json.Unmarshal([]byte(eb), &e) != nil {
			t.Fatalf("cell %d is not an experiment: %d %s", i, status, eb)
		}
		var h struct {
			Labels     int `json:"labels_per_class"`
			Epochs     int `json:"epochs"`
			Replicates int `json:"replicates"`
		}
		if err := json.Unmarshal(e.Hyper, &h); err != nil || h.Labels != want || h.Epochs != 3 || h.Replicates != 3 {
			t.Fatalf("cell %d settings %s", i, e.Hyper)
		}
		if len(e.Runs) != 6 || e.Runs[0].Strategy != "finetune" || e.Runs[1].Strategy != "scratch" {
			t.Fatalf("cell %d runs %+v", i, e.Runs)
		}
	}
	status, _, body = ts.do(t, http.MethodPost, "/api/sweeps",
		`{"dataset_id":"ds_ready","base_model_id":"cnn-mnist04","axis":"freeze_depth","values":["linear-probe",0,2],"replicates":2}`)
	if status != http.StatusCreated || json.Unmarshal([]byte(body), &v) != nil {
		t.Fatalf("freeze sweep: %d %s", status, body)
	}
	var arms []string
	for _, c := range v.CellViews {
		arms = append(arms, c.Runs[0].Strategy+"+"+c.Runs[1].Strategy)
	}
	if got := strings.Join(arms, " "); got != "finetune+scratch freeze:2+scratch linear-probe+scratch" {
		t.Fatalf("freeze cells train %s", got)
	}
	status, _, body = ts.do(t, http.MethodGet, "/api/sweeps", "")
	if status != http.StatusOK || strings.Count(body, `"id":"swp_`) != 2 {
		t.Fatalf("list: %d %s", status, body)
	}
}
