package experiment

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// Every row of the table is a field of Hyper and every field a row, so a setting
// cannot be validated without being stored or stored without being validated.
func TestSettingsTableMatchesHyper(t *testing.T) {
	fields := map[string]bool{}
	ht := reflect.TypeOf(Hyper{})
	for i := 0; i < ht.NumField(); i++ {
		fields[strings.Split(ht.Field(i).Tag.Get("json"), ",")[0]] = true
	}
	for _, s := range Settings {
		if !fields[s.Name] {
			t.Errorf("setting %s has no Hyper field", s.Name)
		}
		delete(fields, s.Name)
		if s.Label == "" || s.Help == "" {
			t.Errorf("setting %s needs a label and help", s.Name)
		}
	}
	for f := range fields {
		t.Errorf("Hyper field %s is not in the settings table", f)
	}
	if err := DefaultHyper().Validate(); err != nil {
		t.Fatalf("the defaults are refused: %v", err)
	}
}

func TestParseHyperNamesTheSettingAndWhatToSend(t *testing.T) {
	cases := []struct{ body, want string }{
		{`{"epochs":0}`, "epochs must be a whole number from 1 to 500, got 0"},
		{`{"epochs":2.5}`, "epochs must be a whole number from 1 to 500, got 2.5"},
		{`{"lr":0}`, "lr must be a number above 0 and at most 10, got 0"},
		{`{"momentum":1}`, "momentum must be a number at least 0 and below 1, got 1"},
		{`{"head_lr_mult":0}`, "head_lr_mult must be a number above 0 and at most 1000, got 0"},
		{`{"optimizer":"lion"}`, `optimizer must be one of "sgd", "adam", got "lion"`},
		{`{"warmup_epochs":3,"epochs":2}`, "warmup_epochs must be a number at least 0 and at most epochs, got 3"},
		{`{"aug_flip":"yes"}`, "aug_flip must be true or false"},
		{`{"epochs":"7"}`, "epochs must be a number: a whole number from 1 to 500"},
		{`{"colour":"red"}`, `there is no setting "colour"; the settings are epochs, batch_size`},
		{`[1]`, "settings must be a JSON object"},
	}
	for _, tc := range cases {
		_, err := ParseHyper(json.RawMessage(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.body, err, tc.want)
		}
	}
}

// The step schedule must train with what the wizard sends: schedule alone.
func TestStepScheduleHasADecayByDefault(t *testing.T) {
	h, err := ParseHyper(json.RawMessage(`{"schedule":"step"}`))
	if err != nil || h.StepEpochs < 1 || h.Gamma <= 0 || h.Gamma > 1 {
		t.Fatalf("%+v %v", h, err)
	}
}

func TestLaterLayersWinKeyByKey(t *testing.T) {
	h, err := ParseHyper(json.RawMessage(`{"lr":0.1,"epochs":3}`), json.RawMessage(`{"lr":0.2}`), nil)
	if err != nil || h.LR != 0.2 || h.Epochs != 3 || h.BatchSize != 32 {
		t.Fatalf("%+v %v", h, err)
	}
}

func TestStatusOfRuns(t *testing.T) {
	cases := []struct {
		runs []RunStatus
		want ExperimentStatus
	}{
		{[]RunStatus{Succeeded, Running}, ExperimentRunning},
		{[]RunStatus{Succeeded, Queued}, ExperimentQueued},
		{[]RunStatus{Succeeded, Failed, Cancelled}, ExperimentFailed},
		{[]RunStatus{Succeeded, Cancelled}, ExperimentCancelled},
		{[]RunStatus{Succeeded, Succeeded}, ExperimentSucceeded},
	}
	for _, tc := range cases {
		if got := StatusOf(tc.runs); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.runs, got, tc.want)
		}
	}
}

func TestParseStrategy(t *testing.T) {
	for _, s := range []string{"scratch", "finetune", "linear-probe", "freeze:3"} {
		got, err := ParseStrategy(s)
		if err != nil || got.String() != s {
			t.Errorf("%s: %v %v", s, got, err)
		}
	}
	for _, s := range []string{"freeze", "freeze:0", "freeze:x", "finetune:2", "thaw", "Finetune"} {
		if _, err := ParseStrategy(s); err == nil {
			t.Errorf("%s accepted", s)
		}
	}
	if err := (Strategy{Kind: Freeze, K: 4}).CheckLayers(4); err == nil || !strings.Contains(err.Error(), "use at most freeze:3") {
		t.Errorf("freeze:4 of 4 layers: %v", err)
	}
}
