package server

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"transferlab/backend/store"
)

func TestDefaultExperimentNameSaysStrategiesAndModel(t *testing.T) {
	arms := func(ss ...string) []armParams {
		out := make([]armParams, len(ss))
		for i, s := range ss {
			out[i] = armParams{Strategy: s}
		}
		return out
	}
	cases := []struct {
		arms []armParams
		want string
	}{
		{arms("finetune", "scratch"), "digits: fine-tune vs scratch · from CNN 0-4"},
		{arms("finetune", "freeze:1", "freeze:3", "linear-probe", "scratch"), "digits: fine-tune, freeze 1, freeze 3, linear probe vs scratch · from CNN 0-4"},
		{arms("freeze:2"), "digits: freeze 2 · from CNN 0-4"},
		{arms("scratch", "scratch"), "digits: cnn from scratch"},
	}
	if got := defaultExperimentName("digits", "shapes: fine-tune, finetune (run_0a1b2c3d4e5f6789)", "cnn", arms("finetune")); got != "digits: fine-tune · from shapes: fine-tune, finetune" {
		t.Errorf("a trained model's run id stays out of the name: %q", got)
	}
	for _, c := range cases {
		if got := defaultExperimentName("digits", "CNN 0-4", "cnn", c.arms); got != c.want {
			t.Errorf("%v: got %q, want %q", c.arms, got, c.want)
		}
	}
}

// launchNothing accepts every launch: these tests look at the rows and views, not training.
type launchNothing struct{}

func (launchNothing) Launch(context.Context, *store.Experiment) error { return nil }
func (launchNothing) CancelRun(context.Context, string) error         { return nil }

func TestSeveralStrategiesMakeOneExperimentShownByName(t *testing.T) {
	ts := newTestServer(t, func(d *Deps) { d.Jobs = launchNothing{} })
	seedCatalog(t, ts.db)
	status, _, body := ts.do(t, "POST", "/api/experiments", `{"dataset_id":"ds_ready","base_model_id":"cnn-mnist04",
		"arms":[{"strategy":"finetune"},{"strategy":"freeze:1"},{"strategy":"freeze:2"},{"strategy":"linear-probe"},{"strategy":"scratch"}]}`)
	if status != 201 {
		t.Fatalf("%d %s", status, body)
	}
	var e struct {
		ID            string `json:"id"`
		Name          string `json:"name"`
		DatasetName   string `json:"dataset_name"`
		BaseModelName string `json:"base_model_name"`
		Runs          []struct {
			Arm      int    `json:"arm"`
			Strategy string `json:"strategy"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatal(err)
	}
	if e.Name != "digits: fine-tune, freeze 1, freeze 2, linear probe vs scratch · from cnn" {
		t.Fatalf("default name %q", e.Name)
	}
	if e.DatasetName != "digits" || e.BaseModelName != "cnn" || len(e.Runs) != 5 || e.Runs[4].Strategy != "scratch" || e.Runs[2].Strategy != "freeze:2" {
		t.Fatalf("view %+v", e)
	}
	_, _, body = ts.do(t, "GET", "/api/experiments", "")
	if !strings.Contains(body, `"dataset_name":"digits"`) || !strings.Contains(body, `"base_model_name":"cnn"`) {
		t.Fatalf("the list shows no names: %s", body)
	}
	status, _, body = ts.do(t, "POST", "/api/experiments", `{"dataset_id":"ds_ready","base_model_id":"cnn-mnist04","name":"mine",
		"arms":[{"strategy":"finetune"},{"strategy":"finetune"},{"strategy":"finetune"},{"strategy":"finetune"},{"strategy":"finetune"},
		{"strategy":"finetune"},{"strategy":"finetune"},{"strategy":"finetune"},{"strategy":"scratch"}]}`)
	if status != 400 || errorCode(t, body) != "too_many_arms" {
		t.Fatalf("nine arms: %d %s", status, body)
	}
}
