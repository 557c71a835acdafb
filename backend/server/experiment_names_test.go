package server

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSeveralStrategiesMakeOneExperimentShownByName(t *testing.T) {
	ts := newTestServer(t, withRules)
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
