package experiment

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Hyper is an experiment's training settings; an arm may override any of them. Each
// field is a row of Settings, by its JSON name.
type Hyper struct {
	Epochs         int     `json:"epochs"`
	BatchSize      int     `json:"batch_size"`
	Optimizer      string  `json:"optimizer"`
	LR             float64 `json:"lr"`
	Momentum       float64 `json:"momentum"`
	WeightDecay    float64 `json:"weight_decay"`
	Schedule       string  `json:"schedule"`
	StepEpochs     int     `json:"step_epochs"`
	Gamma          float64 `json:"gamma"`
	WarmupEpochs   float64 `json:"warmup_epochs"`
	Seed           int64   `json:"seed"`
	HeadLRMult     float64 `json:"head_lr_mult"`
	AugShift       int     `json:"aug_shift"`
	AugFlip        bool    `json:"aug_flip"`
	InputSize      int     `json:"input_size"`
	BNReestimate   bool    `json:"bn_reestimate"`
	EvalEvery      int     `json:"eval_every"`
	ClipNorm       float64 `json:"clip_norm"`
	EarlyStop      int     `json:"early_stop"`
	Replicates     int     `json:"replicates"`
	TargetFraction float64 `json:"target_fraction"`
	TargetAcc      float64 `json:"target_acc"`
	ValLimit       int     `json:"val_limit"`
	LabelsPerClass int     `json:"labels_per_class"`

	// The practice strategies' own settings (gradual-unfreeze, layerwise-lr).
	UnfreezeEvery int     `json:"unfreeze_every"`
	LayerLRDecay  float64 `json:"layer_lr_decay"`
}

// DefaultHyper is every setting at its default.
func DefaultHyper() Hyper {
	h, err := fromValues(defaultValues())
	if err != nil {
		panic("settings table: " + err.Error()) // the table and Hyper disagree: a test catches it
	}
	return h
}

func defaultValues() map[string]any {
	v := make(map[string]any, len(Settings))
	for _, s := range Settings {
		v[s.Name] = s.Default
	}
	return v
}

// ParseHyper lays JSON objects of settings over the defaults, later layers winning key
// by key, and checks the result. The error names the first wrong setting and what would
// be right.
func ParseHyper(layers ...json.RawMessage) (Hyper, error) {
	vals := defaultValues()
	for _, l := range layers {
		if len(bytes.TrimSpace(l)) == 0 || string(bytes.TrimSpace(l)) == "null" {
			continue
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(l, &raw); err != nil {
			return Hyper{}, fmt.Errorf("settings must be a JSON object of name: value, e.g. {\"epochs\": 10}")
		}
		for _, name := range sortedKeys(raw) {
			s, ok := SettingNamed(name)
			if !ok {
				return Hyper{}, fmt.Errorf("there is no setting %q; the settings are %s", name, settingNames())
			}
			v, err := s.decode(raw[name])
			if err != nil {
				return Hyper{}, err
			}
			vals[name] = v
		}
	}
	if err := checkValues(vals); err != nil {
		return Hyper{}, err
	}
	return fromValues(vals)
}

// Validate checks every setting against the table.
func (h Hyper) Validate() error {
	b, _ := json.Marshal(h)
	var vals map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&vals); err != nil {
		return err
	}
	for k, v := range vals {
		if n, ok := v.(json.Number); ok {
			vals[k], _ = n.Float64()
		}
	}
	return checkValues(vals)
}

// checkValues checks each setting in table order, so the first problem is the one
// named.
func checkValues(vals map[string]any) error {
	for _, s := range Settings {
		if err := s.check(vals[s.Name], vals); err != nil {
			return err
		}
	}
	return nil
}

func fromValues(vals map[string]any) (Hyper, error) {
	b, err := json.Marshal(vals)
	if err != nil {
		return Hyper{}, err
	}
	var h Hyper
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	err = d.Decode(&h)
	return h, err
}

// decode reads one JSON value of the setting's kind.
func (s Setting) decode(raw json.RawMessage) (any, error) {
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("%s is not valid JSON: %s", s.Name, s.want())
	}
	switch s.Kind {
	case KindInt, KindFloat:
		n, ok := v.(json.Number)
		if !ok {
			return nil, fmt.Errorf("%s must be a number: %s", s.Name, s.want())
		}
		f, err := n.Float64()
		if err != nil {
			return nil, fmt.Errorf("%s must be a number: %s", s.Name, s.want())
		}
		return f, nil
	case KindBool:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("%s must be true or false", s.Name)
		}
		return b, nil
	default:
		str, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%s must be a string: %s", s.Name, s.want())
		}
		return str, nil
	}
}

// check tests one value against the setting's limits; vals gives the value of a
// MaxSetting.
func (s Setting) check(v any, vals map[string]any) error {
	switch s.Kind {
	case KindBool:
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%s must be true or false", s.Name)
		}
		return nil
	case KindChoice:
		str, _ := v.(string)
		for _, o := range s.Options {
			if str == o {
				return nil
			}
		}
		return fmt.Errorf("%s must be %s, got %q", s.Name, s.want(), str)
	}
	f, ok := toFloat(v)
	bad := !ok || math.IsNaN(f) || math.IsInf(f, 0) ||
		(s.Kind == KindInt && f != math.Trunc(f)) ||
		(s.Min != nil && (f < *s.Min || (s.MinExclusive && f == *s.Min))) ||
		(s.Max != nil && (f > *s.Max || (s.MaxExclusive && f == *s.Max)))
	if !bad && s.MaxSetting != "" {
		if m, ok := toFloat(vals[s.MaxSetting]); ok && f > m {
			bad = true
		}
	}
	if bad {
		return fmt.Errorf("%s must be %s, got %s", s.Name, s.want(), fmtNum(f))
	}
	return nil
}

// want says in words what the setting accepts.
func (s Setting) want() string {
	switch s.Kind {
	case KindBool:
		return "true or false"
	case KindChoice:
		quoted := make([]string, len(s.Options))
		for i, o := range s.Options {
			quoted[i] = strconv.Quote(o)
		}
		return "one of " + strings.Join(quoted, ", ")
	}
	what := "a number"
	if s.Kind == KindInt {
		what = "a whole number"
	}
	lo, hi := "", ""
	if s.Min != nil {
		lo = "at least " + fmtNum(*s.Min)
		if s.MinExclusive {
			lo = "above " + fmtNum(*s.Min)
		}
	}
	if s.Max != nil {
		hi = "at most " + fmtNum(*s.Max)
		if s.MaxExclusive {
			hi = "below " + fmtNum(*s.Max)
		}
	}
	if s.MaxSetting != "" {
		hi = "at most " + s.MaxSetting
	}
	switch {
	case s.Kind == KindInt && s.Min != nil && s.Max != nil:
		return fmt.Sprintf("%s from %s to %s", what, fmtNum(*s.Min), fmtNum(*s.Max))
	case lo != "" && hi != "":
		return what + " " + lo + " and " + hi
	case lo != "":
		return what + " " + lo
	case hi != "":
		return what + " " + hi
	}
	return what
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func settingNames() string {
	names := make([]string, len(Settings))
	for i, s := range Settings {
		names[i] = s.Name
	}
	return strings.Join(names, ", ")
}

// sortedKeys walks a layer in table order, so the first problem reported does not
// depend on map order.
func sortedKeys(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	var unknown []string
	for _, s := range Settings {
		if _, ok := m[s.Name]; ok {
			out = append(out, s.Name)
		}
	}
	for k := range m {
		if _, ok := SettingNamed(k); !ok {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	return append(unknown, out...)
}
