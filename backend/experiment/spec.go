package experiment

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// ArmRequest is one arm as the API takes it: a strategy and settings that override
// the experiment's.
type ArmRequest struct {
	Strategy string          `json:"strategy"`
	Hyper    json.RawMessage `json:"hyper,omitempty" tstype:"Partial<Hyper>"`
}

// Request is the body of POST /api/experiments.
type Request struct {
	Name        string          `json:"name,omitempty"`
	DatasetID   string          `json:"dataset_id"`
	BaseModelID string          `json:"base_model_id,omitempty"`
	Arch        string          `json:"arch,omitempty"`
	Arms        []ArmRequest    `json:"arms,omitempty"`
	Hyper       json.RawMessage `json:"hyper,omitempty" tstype:"Partial<Hyper>"`
}

// Problem is a request the rules refuse: a code for programs and a message for people
// that says what to send instead.
type Problem struct {
	Code    string
	Message string
}

func (p *Problem) Error() string { return p.Message }

func problem(code, format string, a ...any) *Problem {
	return &Problem{Code: code, Message: fmt.Sprintf(format, a...)}
}

// DecodeRequest reads a request body, refusing fields the API does not know.
func DecodeRequest(body []byte) (Request, error) {
	var r Request
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(&r); err != nil {
		return r, problem("bad_json", "The body is not a valid experiment: %v. Send JSON with dataset_id, base_model_id, arms and hyper.", err)
	}
	return r, nil
}

// Input is the image shape a model takes.
type Input struct {
	Channels int `json:"channels"`
	Height   int `json:"height"`
	Width    int `json:"width"`
}

// NominalInput stands in for a dataset shape not known yet.
var NominalInput = Input{Channels: 1, Height: 28, Width: 28}

// DatasetFacts is what the rules need to know of a dataset. Classes is 0 and Input
// zero while a built-in dataset's cache has never been built.
type DatasetFacts struct {
	ID      string
	Name    string
	Ready   bool
	Status  string
	Input   Input
	Classes int
}

// ModelFacts is what the rules need to know of a base model.
type ModelFacts struct {
	ID    string
	Name  string
	Arch  string
	Input Input
}

// Catalog answers the rules' questions about datasets, models and architectures.
type Catalog interface {
	Dataset(ctx context.Context, id string) (DatasetFacts, bool, error)
	Model(ctx context.Context, id string) (ModelFacts, bool, error)
	// Layers lists the parametric layers of arch for an input and a number of classes,
	// or says why that network cannot be built.
	Layers(arch string, in Input, classes int) ([]Layer, error)
}

// Plan is a checked request: everything needed to create the experiment's rows.
type Plan struct {
	Name        string
	DatasetID   string
	BaseModelID string
	Arch        string
	Hyper       Hyper
	Arms        []Arm
}

// Arm is one checked arm.
type Arm struct {
	Index    int
	Strategy Strategy
	Hyper    Hyper
}

// DefaultArms is what an experiment trains when the request names no arms: the
// comparison the app exists to show.
func DefaultArms() []ArmRequest {
	return []ArmRequest{{Strategy: string(Finetune)}, {Strategy: string(Scratch)}}
}

// Check turns a request into a plan, or names the first thing wrong with it and what
// to send instead. It checks at creation everything a run would otherwise only find
// when it starts: the architecture, the network it builds for the dataset, and freeze:K
// against the model's layers.
func Check(ctx context.Context, r Request, cat Catalog) (*Plan, error) {
	if r.Name != "" {
		name, err := CheckName(r.Name)
		if err != nil {
			return nil, problem("bad_name", "Name: %v.", err)
		}
		r.Name = name
	}
	if r.DatasetID == "" {
		return nil, problem("missing_dataset", "dataset_id is required: pick a dataset from GET /api/datasets.")
	}
	ds, ok, err := cat.Dataset(ctx, r.DatasetID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, problem("unknown_dataset", "No dataset %q: pick one from GET /api/datasets or upload one.", r.DatasetID)
	}
	if !ds.Ready {
		return nil, problem("dataset_not_ready", "Dataset %q is %s, not ready: wait for its import to finish.", ds.Name, ds.Status)
	}
	if len(r.Arms) == 0 {
		r.Arms = DefaultArms()
	}
	if len(r.Arms) > MaxArms {
		return nil, problem("too_many_arms", "An experiment has at most %d arms, got %d.", MaxArms, len(r.Arms))
	}
	strategies := make([]Strategy, len(r.Arms))
	needsBase := false
	for i, arm := range r.Arms {
		s, err := ParseStrategy(arm.Strategy)
		if err != nil {
			return nil, problem("bad_strategy", "Arm %d: %v.", i+1, err)
		}
		strategies[i] = s
		needsBase = needsBase || s.UsesBase()
	}
	if r.BaseModelID == "" && needsBase {
		return nil, problem("missing_base_model", "base_model_id is required for fine-tuning arms: pick one from GET /api/models.")
	}
	if r.BaseModelID == "" && r.Arch == "" {
		return nil, problem("missing_arch", "An experiment of scratch arms only needs an arch (mlp, cnn or cnn-deep) or a base_model_id.")
	}
	in := ds.Input
	modelName := ""
	if r.BaseModelID != "" {
		m, ok, err := cat.Model(ctx, r.BaseModelID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, problem("unknown_model", "No model %q: pick one from GET /api/models.", r.BaseModelID)
		}
		if r.Arch == "" {
			r.Arch = m.Arch
		}
		modelName = m.Name
		if r.Arch != m.Arch {
			return nil, problem("bad_arch", "%s", ArchMismatch(r.Arch, m.Arch))
		}
		// Every arm trains at the base model's input size: the data is resized to it.
		in = m.Input
	}
	classes := ds.Classes
	if classes == 0 {
		// A built-in dataset's shape is unknown until its cache is first built: check the
		// architecture and the strategies' depth on a nominal shape (the depth does not
		// depend on it); the run checks the real shape with the same words.
		classes = 2
		if in.Channels == 0 {
			in = NominalInput
		}
	}
	layers, err := cat.Layers(r.Arch, in, classes)
	if err != nil {
		return nil, problem("bad_arch", "%v.", err)
	}
	for i, s := range strategies {
		if err := s.CheckLayers(len(layers)); err != nil {
			return nil, problem("bad_strategy", "Arm %d: %v.", i+1, err)
		}
	}
	shared, err := ParseHyper(r.Hyper)
	if err != nil {
		return nil, problem("bad_hyper", "hyper: %v.", err)
	}
	if err := checkBatchNorm(shared, r.BaseModelID, modelName, r.Arch); err != nil {
		return nil, err
	}
	if err := checkInputSize(shared, r.BaseModelID, modelName, r.Arch); err != nil {
		return nil, err
	}
	sharedJSON, _ := json.Marshal(shared)
	p := &Plan{Name: r.Name, DatasetID: ds.ID, BaseModelID: r.BaseModelID, Arch: r.Arch, Hyper: shared}
	if p.Name == "" {
		p.Name = CleanName(DefaultName(ds.Name, modelName, r.Arch, strategies), "experiment")
	}
	for i, arm := range r.Arms {
		h, err := ParseHyper(sharedJSON, arm.Hyper)
		if err != nil {
			return nil, problem("bad_hyper", "Arm %d (%s) hyper: %v.", i+1, arm.Strategy, err)
		}
		// Replicates pair the arms seed by seed, so every arm runs the same number.
		if err := checkBatchNorm(h, r.BaseModelID, modelName, r.Arch); err != nil {
			return nil, err
		}
		if err := checkInputSize(h, r.BaseModelID, modelName, r.Arch); err != nil {
			return nil, err
		}
		if h.Replicates != shared.Replicates {
			return nil, problem("bad_hyper", "Arm %d (%s) hyper: replicates is set for the whole experiment, not per arm: move it to the experiment's hyper.", i+1, arm.Strategy)
		}
		p.Arms = append(p.Arms, Arm{Index: i, Strategy: strategies[i], Hyper: h})
	}
	return p, nil
}

// Replicate is one arm's run with one seed: replicate r trains with seed+r and, where
// the training data is a per-class sample, draws that sample with the same seed, so
// every arm of a replicate sees the same images.
type Replicate struct {
	Arm   Arm
	Index int
	Seed  int64
	Hyper Hyper // the arm's settings with the replicate's seed
}

// Replicates lists every run the plan trains, replicate by replicate, arms in order
// within each.
func (p *Plan) Replicates() []Replicate {
	n := max(p.Hyper.Replicates, 1)
	out := make([]Replicate, 0, n*len(p.Arms))
	for r := range n {
		for _, a := range p.Arms {
			h := a.Hyper
			h.Seed += int64(r)
			out = append(out, Replicate{Arm: a, Index: r, Seed: h.Seed, Hyper: h})
		}
	}
	return out
}

// ArchMismatch is the message for an arch that is not the base model's.
func ArchMismatch(arch, baseArch string) string {
	return fmt.Sprintf("architecture %s differs from the base model's %s: leave arch out or send %q", arch, baseArch, baseArch)
}
