package server

import (
	"context"

	"transferlab/backend/store"
)

// ExperimentNames are the names of an experiment's dataset and base model, so pages
// show what an experiment is about, never ids.
type ExperimentNames struct {
	DatasetName   string `json:"dataset_name"`
	BaseModelName string `json:"base_model_name,omitempty"`
}

// catalogNames maps dataset and model ids to their names, and runs to the labels people
// gave them, read once per request so a list of experiments costs three queries, not
// three per experiment.
type catalogNames struct {
	datasets, models map[string]string
	labels           map[string]store.RunLabel
}

func loadNames(ctx context.Context, db *store.DB, es ...store.Experiment) (catalogNames, error) {
	n := catalogNames{datasets: map[string]string{}, models: map[string]string{}}
	var runIDs []string
	for _, e := range es {
		for _, r := range e.Runs {
			runIDs = append(runIDs, r.ID)
		}
	}
	labels, err := db.RunLabels(ctx, runIDs)
	if err != nil {
		return n, err
	}
	n.labels = labels
	ds, err := db.Datasets(ctx)
	if err != nil {
		return n, err
	}
	for _, d := range ds {
		n.datasets[d.ID] = d.Name
	}
	ms, err := db.Models(ctx)
	if err != nil {
		return n, err
	}
	for _, m := range ms {
		n.models[m.ID] = m.Name
	}
	return n, nil
}

// of names an experiment's dataset and base model; a deleted one reads as "".
func (n catalogNames) of(e *store.Experiment) ExperimentNames {
	return ExperimentNames{DatasetName: n.datasets[e.DatasetID], BaseModelName: n.models[e.BaseModelID]}
}

// run is a run with its label, if it has one.
func (n catalogNames) run(r *store.Run) LabelledRun {
	l := n.labels[r.ID]
	return LabelledRun{RunView: runViewOf(r), Name: l.Name, Tags: l.TagList()}
}
