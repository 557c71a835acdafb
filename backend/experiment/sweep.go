package experiment

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Axis is what a sweep varies from cell to cell.
type Axis string

// The axes a sweep can vary.
const (
	AxisLabels    Axis = "labels_per_class"
	AxisFreeze    Axis = "freeze_depth"
	AxisBaseModel Axis = "base_model"
	AxisLR        Axis = "lr"
)

// Axes lists the axes in the order the wizard offers them.
var Axes = []Axis{AxisLabels, AxisFreeze, AxisBaseModel, AxisLR}

// Sweep limits: a sweep is many experiments, so its size is bounded as a whole too.
const (
	MaxSweepValues = 12
	MaxSweepRuns   = 240
	// AllLabels is the labels_per_class value that trains on every training image.
	AllLabels = "all"
	// LinearProbeDepth is the freeze_depth value of a linear probe (every layer below
	// the head frozen).
	LinearProbeDepth = "linear-probe"
)

// SweepRequest is the body of POST /api/sweeps: an experiment's spec without arms, plus
// the axis, its values, the strategies every cell trains, and the replicates.
type SweepRequest struct {
	Name        string            `json:"name,omitempty"`
	DatasetID   string            `json:"dataset_id"`
	BaseModelID string            `json:"base_model_id,omitempty"`
	Arch        string            `json:"arch,omitempty"`
	Hyper       json.RawMessage   `json:"hyper,omitempty" tstype:"Partial<Hyper>"`
	Axis        string            `json:"axis"`
	Values      []json.RawMessage `json:"values" tstype:"(number | string)[]"`
	Strategies  []string          `json:"strategies,omitempty"`
	Replicates  int               `json:"replicates,omitempty"`
}

// DecodeSweepRequest reads a sweep request, refusing fields the API does not know.
func DecodeSweepRequest(body []byte) (SweepRequest, error) {
	var r SweepRequest
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(&r); err != nil {
		return r, problem("bad_json", "The body is not a valid sweep: %v. Send JSON with dataset_id, base_model_id, hyper, axis, values, strategies and replicates.", err)
	}
	return r, nil
}

// SweepPlan is a checked sweep: one checked experiment plan per value of the axis.
type SweepPlan struct {
	Name       string
	DatasetID  string
	Axis       Axis
	Strategies []string
	Replicates int
	Cells      []SweepCell
}

// SweepCell is one value of the axis and the experiment that measures it.
type SweepCell struct {
	Index int
	Value string // canonical: "5", "all", "linear-probe", a model id, "0.01"
	Label string // in words: "5 per class", "freeze 2", "lr 0.01"
	Plan  *Plan
}

// SweepSpec is what a stored sweep keeps of its request, as the API shows it.
type SweepSpec struct {
	Axis       Axis     `json:"axis"`
	Values     []string `json:"values"`
	Labels     []string `json:"labels"`
	Strategies []string `json:"strategies"`
	Replicates int      `json:"replicates"`
}

// Spec is the stored form of the plan.
func (p *SweepPlan) Spec() SweepSpec {
	s := SweepSpec{Axis: p.Axis, Strategies: p.Strategies, Replicates: p.Replicates}
	for _, c := range p.Cells {
		s.Values = append(s.Values, c.Value)
		s.Labels = append(s.Labels, c.Label)
	}
	return s
}

// Runs is how many runs the plan trains.
func (p *SweepPlan) Runs() int {
	n := 0
	for _, c := range p.Cells {
		n += len(c.Plan.Replicates())
	}
	return n
}

// CheckSweep turns a sweep request into one experiment plan per value, or names the
// first thing wrong and what to send instead. Each cell is checked by the same rules
// as an experiment, so a value the model cannot take (freeze deeper than its layers, a
// base model of another input) is refused at once, naming the value.
func CheckSweep(ctx context.Context, r SweepRequest, cat Catalog) (*SweepPlan, error) {
	axis := Axis(r.Axis)
	if !slices.Contains(Axes, axis) {
		return nil, problem("bad_axis", "axis %q is not one of %s: say what the sweep varies.", r.Axis, axisNames())
	}
	if len(r.Values) == 0 {
		return nil, problem("missing_values", "values is empty: list the %s values to try, e.g. %s.", axis, exampleValues(axis))
	}
	if len(r.Values) > MaxSweepValues {
		return nil, problem("too_many_values", "A sweep tries at most %d values, got %d: drop some.", MaxSweepValues, len(r.Values))
	}
	reps := r.Replicates
	if reps == 0 {
		reps = WizardReplicates
	}
	if reps < 1 || reps > MaxReplicates {
		return nil, problem("bad_replicates", "replicates is %d: send 1 to %d (the intervals need 2 or more).", r.Replicates, MaxReplicates)
	}
	strategies, err := sweepStrategies(axis, r.Strategies)
	if err != nil {
		return nil, err
	}
	if axis == AxisBaseModel && r.BaseModelID != "" {
		return nil, problem("bad_base_model", "A base_model sweep sets the base model per value: leave base_model_id out and list the models in values.")
	}
	values, labels, err := sweepValues(axis, r.Values)
	if err != nil {
		return nil, err
	}
	name := r.Name
	if name != "" {
		if name, err = CheckName(name); err != nil {
			return nil, problem("bad_name", "Name: %v.", err)
		}
	} else {
		dsName := r.DatasetID
		if ds, ok, err := cat.Dataset(ctx, r.DatasetID); err == nil && ok {
			dsName = ds.Name
		}
		name = CleanName(fmt.Sprintf("%s sweep on %s", axisWords(axis), dsName), "sweep")
	}
	p := &SweepPlan{Name: name, DatasetID: r.DatasetID, Axis: axis, Strategies: strategies, Replicates: reps}
	for i, v := range values {
		req, err := cellRequest(r, axis, v, strategies, reps)
		if err != nil {
			return nil, err
		}
		req.Name = CleanName(name+" · "+labels[i], "sweep cell")
		plan, err := Check(ctx, req, cat)
		if err != nil {
			// Name the value: the same base spec passes for one value and not another.
			if pr, ok := err.(*Problem); ok {
				return nil, problem(pr.Code, "Value %s: %s", labels[i], pr.Message)
			}
			return nil, err
		}
		p.Cells = append(p.Cells, SweepCell{Index: i, Value: v, Label: labels[i], Plan: plan})
	}
	if n := p.Runs(); n > MaxSweepRuns {
		return nil, problem("sweep_too_large", "This sweep would train %d runs (%d values × %d arms × %d replicates); a sweep trains at most %d: try fewer values, strategies or replicates.",
			n, len(p.Cells), len(p.Cells[0].Plan.Arms), reps, MaxSweepRuns)
	}
	return p, nil
}

// sweepStrategies checks the strategies every cell trains. A freeze_depth sweep's axis
// is itself the strategy, so it only takes scratch, the baseline of its verdicts.
func sweepStrategies(axis Axis, given []string) ([]string, error) {
	if len(given) == 0 {
		if axis == AxisFreeze {
			return []string{string(Scratch)}, nil
		}
		return []string{string(Finetune), string(Scratch)}, nil
	}
	if len(given) > MaxArms-1 {
		return nil, problem("too_many_arms", "A sweep's cells have at most %d strategies, got %d.", MaxArms-1, len(given))
	}
	var out []string
	for _, g := range given {
		s, err := ParseStrategy(g)
		if err != nil {
			return nil, problem("bad_strategy", "strategies: %v.", err)
		}
		if axis == AxisFreeze && s.Kind != Scratch {
			return nil, problem("bad_strategy", "A freeze_depth sweep sets the frozen depth per value, so its strategies can only be scratch (the baseline), not %q.", g)
		}
		if slices.Contains(out, s.String()) {
			return nil, problem("bad_strategy", "strategies names %s twice: list each once.", s)
		}
		out = append(out, s.String())
	}
	return out, nil
}

// axisVal is one value of an axis: its sort key, canonical string and words.
type axisVal struct {
	key   float64
	value string
	label string
}

// sweepValues reads the axis values into canonical strings and words, in axis order
// for the ordered axes, and refuses duplicates.
func sweepValues(axis Axis, raw []json.RawMessage) ([]string, []string, error) {
	var vals []axisVal
	for i, rv := range raw {
		var num json.Number
		var str string
		d := json.NewDecoder(bytes.NewReader(rv))
		d.UseNumber()
		var decoded any
		if err := d.Decode(&decoded); err != nil {
			return nil, nil, problem("bad_value", "values[%d] is not valid JSON: send numbers or strings.", i)
		}
		switch x := decoded.(type) {
		case json.Number:
			num = x
		case string:
			str = strings.TrimSpace(x)
		default:
			return nil, nil, problem("bad_value", "values[%d] is %s: send numbers or strings, e.g. %s.", i, string(rv), exampleValues(axis))
		}
		v, err := axisValue(axis, num, str)
		if err != nil {
			return nil, nil, problem("bad_value", "values[%d]: %v.", i, err)
		}
		vals = append(vals, v)
	}
	if axis != AxisBaseModel {
		slices.SortStableFunc(vals, func(a, b axisVal) int { return cmp.Compare(a.key, b.key) })
	}
	var values, labels []string
	for _, v := range vals {
		if slices.Contains(values, v.value) {
			return nil, nil, problem("bad_value", "values holds %s twice: list each value once.", v.label)
		}
		values, labels = append(values, v.value), append(labels, v.label)
	}
	return values, labels, nil
}

// axisValue reads one value of axis, given as a number or a string.
func axisValue(axis Axis, num json.Number, str string) (axisVal, error) {
	switch axis {
	case AxisLabels:
		if str == AllLabels {
			return axisVal{math.Inf(1), AllLabels, "all labels"}, nil
		}
		n, err := strconv.Atoi(num.String())
		if str != "" || err != nil || n < 1 || n > MaxLabelsPerClass {
			return axisVal{}, fmt.Errorf("labels per class must be a whole number from 1 to %d, or %q", MaxLabelsPerClass, AllLabels)
		}
		return axisVal{float64(n), strconv.Itoa(n), fmt.Sprintf("%d per class", n)}, nil
	case AxisFreeze:
		if str == LinearProbeDepth {
			return axisVal{math.Inf(1), LinearProbeDepth, "linear probe"}, nil
		}
		n, err := strconv.Atoi(num.String())
		if str != "" || err != nil || n < 0 {
			return axisVal{}, fmt.Errorf("a frozen depth is a whole number of bottom layers, 0 (fine-tune all) or more, or %q", LinearProbeDepth)
		}
		if n == 0 {
			return axisVal{0, "0", "fine-tune all"}, nil
		}
		return axisVal{float64(n), strconv.Itoa(n), fmt.Sprintf("freeze %d", n)}, nil
	case AxisLR:
		f, err := num.Float64()
		if str != "" || err != nil || f <= 0 || f > 10 {
			return axisVal{}, fmt.Errorf("a learning rate is a number above 0 and at most 10, e.g. 0.01")
		}
		s := strconv.FormatFloat(f, 'g', -1, 64)
		return axisVal{f, s, "lr " + s}, nil
	default: // AxisBaseModel
		if str == "" {
			return axisVal{}, fmt.Errorf("a base model is named by its id, a string from GET /api/models")
		}
		return axisVal{0, str, str}, nil
	}
}

// cellRequest is the experiment one value of the axis trains.
func cellRequest(r SweepRequest, axis Axis, value string, strategies []string, reps int) (Request, error) {
	hyper := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(r.Hyper)) > 0 && string(bytes.TrimSpace(r.Hyper)) != "null" {
		if err := json.Unmarshal(r.Hyper, &hyper); err != nil {
			return Request{}, problem("bad_hyper", "hyper: settings must be a JSON object of name: value, e.g. {\"epochs\": 10}.")
		}
	}
	if _, ok := hyper["replicates"]; ok {
		return Request{}, problem("bad_hyper", "hyper: a sweep sets replicates for every cell: move it to the sweep's replicates.")
	}
	if _, ok := hyper[string(axis)]; ok && (axis == AxisLabels || axis == AxisLR) {
		return Request{}, problem("bad_hyper", "hyper: %s is the sweep's axis, set per value: leave it out of hyper.", axis)
	}
	hyper["replicates"] = json.RawMessage(strconv.Itoa(reps))
	req := Request{DatasetID: r.DatasetID, BaseModelID: r.BaseModelID, Arch: r.Arch}
	arms := strategies
	switch axis {
	case AxisLabels:
		n := "0"
		if value != AllLabels {
			n = value
		}
		hyper["labels_per_class"] = json.RawMessage(n)
	case AxisLR:
		hyper["lr"] = json.RawMessage(value)
	case AxisBaseModel:
		req.BaseModelID = value
	case AxisFreeze:
		s := LinearProbeDepth
		switch value {
		case "0":
			s = string(Finetune)
		case LinearProbeDepth:
		default:
			s = "freeze:" + value
		}
		arms = append([]string{s}, strategies...)
	}
	for _, s := range arms {
		req.Arms = append(req.Arms, ArmRequest{Strategy: s})
	}
	req.Hyper, _ = json.Marshal(hyper)
	return req, nil
}

func axisNames() string {
	names := make([]string, len(Axes))
	for i, a := range Axes {
		names[i] = string(a)
	}
	return strings.Join(names, ", ")
}

func axisWords(a Axis) string {
	switch a {
	case AxisLabels:
		return "Labels per class"
	case AxisFreeze:
		return "Frozen depth"
	case AxisBaseModel:
		return "Base model"
	}
	return "Learning rate"
}

func exampleValues(a Axis) string {
	switch a {
	case AxisLabels:
		return `[1, 5, 10, 50, "all"]`
	case AxisFreeze:
		return `[0, 1, 2, "linear-probe"]`
	case AxisBaseModel:
		return `["cnn-mnist-0-4"]`
	}
	return `[0.001, 0.01, 0.1]`
}
