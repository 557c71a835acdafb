package server

import (
	"context"
	"errors"

	"transferlab/backend/data"
	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

// catalog answers the experiment rules' questions from the database and the
// architectures the engine knows.
type catalog struct {
	db   *store.DB
	arch Architectures
}

func (c catalog) Dataset(ctx context.Context, id string) (experiment.DatasetFacts, bool, error) {
	ds, err := c.db.Dataset(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return experiment.DatasetFacts{}, false, nil
	}
	if err != nil {
		return experiment.DatasetFacts{}, false, err
	}
	return experiment.DatasetFacts{ID: ds.ID, Name: ds.Name, Ready: ds.Status == data.DatasetReady, Status: string(ds.Status),
		Input: experiment.Input{Channels: ds.Channels, Height: ds.Height, Width: ds.Width}, Classes: ds.NumClasses}, true, nil
}

func (c catalog) Model(ctx context.Context, id string) (experiment.ModelFacts, bool, error) {
	m, err := c.db.Model(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return experiment.ModelFacts{}, false, nil
	}
	if err != nil {
		return experiment.ModelFacts{}, false, err
	}
	return experiment.ModelFacts{ID: m.ID, Name: m.Name, Arch: m.Arch,
		Input: experiment.Input{Channels: m.Channels, Height: m.Height, Width: m.Width}}, true, nil
}

func (c catalog) Layers(arch string, in experiment.Input, classes int) ([]experiment.Layer, error) {
	if c.arch == nil {
		return nil, errors.New("this server cannot build networks")
	}
	return c.arch.Layers(arch, in, classes)
}
