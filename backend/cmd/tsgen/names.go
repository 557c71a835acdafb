package main

import "transferlab/backend/experiment"

// NameCase is one name the server gives an unnamed experiment. The web app previews
// that name before launch; its test replays these cases, so a change to the server's
// naming that the preview has not taken in fails there.
type NameCase struct {
	Arms      []string `json:"arms"`
	Dataset   string   `json:"dataset"`
	BaseModel string   `json:"base_model"`
	Arch      string   `json:"arch"`
	Name      string   `json:"name"`
}

// nameInputs cover every strategy's words, freeze depths, a repeated strategy, a
// scratch-only experiment, one without scratch, and a trained model's run-id suffix.
var nameInputs = []NameCase{
	{Arms: []string{"finetune", "scratch"}, Dataset: "shapes", BaseModel: "CNN digits 0-4", Arch: "cnn"},
	{Arms: []string{"finetune", "freeze:2", "linear-probe", "scratch"}, Dataset: "shapes", BaseModel: "CNN digits 0-4", Arch: "cnn"},
	{Arms: []string{"gradual-unfreeze", "layerwise-lr", "scratch"}, Dataset: "letters", BaseModel: "MLP", Arch: "mlp"},
	{Arms: []string{"freeze:1", "freeze:3"}, Dataset: "digits", BaseModel: "CNN", Arch: "cnn"},
	{Arms: []string{"finetune", "finetune", "scratch"}, Dataset: "digits", BaseModel: "CNN", Arch: "cnn"},
	{Arms: []string{"finetune", "linear-probe"}, Dataset: "shapes", BaseModel: "cnn digits 0-4", Arch: "cnn"},
	{Arms: []string{"scratch"}, Dataset: "shapes", Arch: "cnn"},
	{Arms: []string{"finetune", "scratch"}, Dataset: "digits", BaseModel: "shapes: fine-tune, finetune (run_0a1b2c3d4e5f6789)", Arch: "cnn"},
}

// NameCases are nameInputs with the name the server gives each.
func NameCases() []NameCase {
	out := make([]NameCase, len(nameInputs))
	for i, c := range nameInputs {
		arms := make([]experiment.Strategy, len(c.Arms))
		for j, a := range c.Arms {
			s, err := experiment.ParseStrategy(a)
			if err != nil {
				panic(err)
			}
			arms[j] = s
		}
		c.Name = experiment.CleanName(experiment.DefaultName(c.Dataset, c.BaseModel, c.Arch, arms), "experiment")
		out[i] = c
	}
	return out
}
