package jobs

import (
	"transferlab/backend/experiment"
	"transferlab/backend/experiment/trainmap"
)

// Layers lists arch's layers, bottom first, for an input and a number of classes.
func (r *Runner) Layers(arch string, in experiment.Input, classes int) ([]experiment.Layer, error) {
	return trainmap.Layers(arch, in, classes)
}
