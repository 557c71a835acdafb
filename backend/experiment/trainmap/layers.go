package trainmap

import (
	"transferlab/backend/experiment"
	"transferlab/backend/nn"
)

// Layers describes arch's layers for people, or says why that network cannot be
// built for the input and classes.
func Layers(arch string, in experiment.Input, classes int) ([]experiment.Layer, error) {
	ls, err := nn.Layers(arch, nn.Input{Channels: in.Channels, Height: in.Height, Width: in.Width}, classes)
	if err != nil {
		return nil, err
	}
	out := make([]experiment.Layer, len(ls))
	for i, l := range ls {
		weights := 1
		for _, d := range l.WeightShape() {
			weights *= d
		}
		o := l.OutShape()
		out[i] = experiment.Layer{Name: l.Name, Kind: l.Kind.String(), In: l.In, Out: l.Out, Kernel: l.Kernel, Pool: l.Pool,
			Params: weights + l.Out, OutShape: [3]int{o.Channels, o.Height, o.Width}}
	}
	return out, nil
}
